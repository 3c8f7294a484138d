// /proc/PID/cgroup: a real v1+v2 host, paths with ':', bad lines.
#include "common/parse/proc_cgroup.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("proc cgroup: a real 6.18 host with v1 controllers and the v2 line") {
  std::string text = captured("proc_pid_cgroup");
  Issues is("proc/5272/cgroup");
  std::vector<CgroupMembership> c = parseProcCgroup(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(c.size() == 10);
  CHECK(c[0].hierarchy == 9);
  CHECK(c[0].controllers == "name=systemd");
  CHECK(c[0].hasController("name=systemd"));
  CHECK(c[5].controllers == "memory");
  CHECK(c[5].path == "/process_api/e4f04e8dcac340c58fdfa0aba8be3046");
  CHECK(c[9].isV2());
  CHECK(c[9].path == "/");
  CHECK(memoryCgroupPath(c) == "/process_api/e4f04e8dcac340c58fdfa0aba8be3046");
}

TEST_CASE("proc cgroup: v2 only, comma lists, ':' in paths, bad lines") {
  std::string text =
      "0::/system.slice/a:b.service\n"
      "3:cpu,cpuacct:/x\n"
      "garbage\n"
      "x:memory:/y\n"
      "4:memory";
  Issues is("proc/1/cgroup");
  std::vector<CgroupMembership> c = parseProcCgroup(text, is.sink);
  REQUIRE(c.size() == 2);
  CHECK(c[0].isV2());
  CHECK(c[0].path == "/system.slice/a:b.service");
  CHECK(c[1].hasController("cpuacct"));
  CHECK(c[1].hasController("cpu"));
  CHECK_FALSE(c[1].hasController("cpuset"));
  CHECK(memoryCgroupPath(c) == "/system.slice/a:b.service");
  CHECK(is.lines() == std::vector<size_t>{3, 4, 5});
  CHECK(is.list[0].format() ==
        "proc/1/cgroup:3: expected 'hierarchy-ID:controllers:path': garbage");
  CHECK_FALSE(memoryCgroupPath({}));
}
