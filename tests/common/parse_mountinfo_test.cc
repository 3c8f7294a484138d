// /proc/PID/mountinfo and /proc/mounts from a real 6.18 host, escapes, and bad lines.
#include "common/parse/mountinfo.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("mountinfo: a real 6.18 host") {
  std::string text = captured("proc_pid_mountinfo");
  Issues is("proc/5272/mountinfo");
  std::vector<MountEntry> m = parseMountTable(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(m.size() == 20);
  CHECK(m[0].mount_id == uint64_t{22});
  CHECK(m[0].parent_id == uint64_t{27});
  CHECK(m[0].dev_major == 0u);
  CHECK(m[0].dev_minor == 21u);
  CHECK(m[0].root == "/");
  CHECK(m[0].mount_point == "/proc");
  CHECK(m[0].fs_type == "proc");
  const MountEntry& memcg = m[13];
  CHECK(memcg.mount_point == "/sys/fs/cgroup/memory");
  CHECK(memcg.fs_type == "cgroup");
  CHECK(memcg.super_options == "rw,memory");
  CHECK(memcg.optional_fields == "");
  CHECK(m.back().fs_type == "cgroup2");
  CHECK(m[5].dev_major == 254u);
  CHECK(m[5].source == "/dev/vda");
}

TEST_CASE("mounts: the /proc/mounts fallback") {
  std::string text = captured("proc_mounts");
  Issues is("proc/mounts");
  std::vector<MountEntry> m = parseMountTable(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(m.size() == 20);
  CHECK_FALSE(m[0].mount_id);
  CHECK(m[0].source == "proc");
  CHECK(m[0].mount_point == "/proc");
  CHECK(m[0].fs_type == "proc");
  CHECK(m[0].options == "rw,relatime");
}

TEST_CASE("mountinfo: optional fields, escapes and bad lines") {
  std::string text =
      "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw\n"
      "37 35 98:0 /x /y rw - ext3\n"
      "x y z\n"
      "38 35 98 / /z rw - tmpfs tmpfs rw";
  Issues is("proc/1/mountinfo");
  std::vector<MountEntry> m = parseMountinfo(text, is.sink);
  REQUIRE(m.size() == 1);
  CHECK(m[0].optional_fields == "master:1 shared:2");
  CHECK(m[0].mount_point == "/mnt\\040two");
  CHECK(unescapeMountField(m[0].mount_point) == "/mnt two");
  CHECK(unescapeMountField("a\\134b\\011\\") == "a\\b\t\\");
  CHECK(is.lines() == std::vector<size_t>{2, 3, 4});

  Issues mounts("proc/mounts");
  CHECK(parseMounts("a b c d 0\n", mounts.sink).empty());
  REQUIRE(mounts.list.size() == 1);
  CHECK(mounts.list[0].format() ==
        "proc/mounts:1: expected 'source mount_point fstype options 0 0': a b c d 0");
}
