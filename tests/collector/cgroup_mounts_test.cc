// Finding the memory cgroup hierarchies in mountinfo and mounts.
#include "collector/cgroup_mounts.h"

#include <catch2/catch.hpp>

namespace memsift::collector {
namespace {

TEST_CASE("mountinfo gives the v1 memory and the v2 hierarchies") {
  // As on this project's test host (cgroup v1 with a named systemd hierarchy and a v2 mount).
  const char* text =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "90 35 0:32 /docker/ab /mnt/mem\\040cg rw - cgroup cgroup rw,memory\n"  // same hierarchy
      "garbage line\n";
  std::vector<CgroupHierarchy> h = findCgroupHierarchies(text);
  REQUIRE(h.size() == 2);
  CHECK(h[0].version == 1);
  CHECK(h[0].mount_point == "/sys/fs/cgroup/memory");
  CHECK(h[0].root == "/");
  CHECK(h[0].device == "0:32");
  CHECK(h[1].version == 2);
  CHECK(h[1].mount_point == "/sys/fs/cgroup/unified");
  CHECK(pageCgroupHierarchy(h) == 0);
}

TEST_CASE("a container's mountinfo keeps the hierarchy root") {
  std::vector<CgroupHierarchy> h =
      findCgroupHierarchies("1 0 0:40 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  REQUIRE(h.size() == 1);
  CHECK(h[0].root == "/kubepods/pod1");
  CHECK(pageCgroupHierarchy(h) == 0);
  CHECK(pageCgroupHierarchy({}) == -1);
}

TEST_CASE("/proc/mounts is the fallback") {
  std::vector<CgroupHierarchy> h = findCgroupHierarchies(
      "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,memory 0 0\n"
      "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
      "cgroup2 /sys/fs/cgroup/uni\\040fied cgroup2 rw 0 0\n");
  REQUIRE(h.size() == 2);
  CHECK(h[0].mount_point == "/sys/fs/cgroup/memory");
  CHECK(h[1].mount_point == "/sys/fs/cgroup/uni fied");
  CHECK(h[1].version == 2);
}

}  // namespace
}  // namespace memsift::collector
