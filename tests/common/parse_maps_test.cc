// /proc/PID/maps: a real 6.18 process, streaming, and bad lines.
#include "common/parse/maps.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("maps: a real 6.18 process") {
  std::string text = captured("proc_pid_maps");
  Issues is("proc/5272/maps");
  std::vector<Mapping> maps = parseMaps(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(maps.size() == 43);
  const Mapping& first = maps[0];
  CHECK(first.start == 0x55c4136bc000);
  CHECK(first.end == 0x55c4136eb000);
  CHECK(first.size() == ByteCount(188 * 1024));
  CHECK(first.perms == "r--p");
  CHECK(first.offset == 0);
  CHECK(first.dev_major == 0xfe);
  CHECK(first.dev_minor == 0);
  CHECK(first.inode == 247101);
  CHECK(first.path == "/usr/bin/bash");
  CHECK_FALSE(first.isAnonymous());
  CHECK(first.line == 1);
  CHECK(maps[1].offset == 0x2f000);
  const Mapping& heap = maps[6];
  CHECK(heap.path == "[heap]");
  CHECK(heap.isAnonymous());
  CHECK(heap.isWritable());
  CHECK_FALSE(heap.isShared());
  CHECK(maps.back().path == "[vsyscall]");
  CHECK(maps.back().end == 0xffffffffff601000);
}

TEST_CASE("maps: forEachMapping streams without keeping the mappings") {
  std::string text = captured("proc_pid_maps");
  Issues is("proc/5272/maps");
  uint64_t bytes = 0;
  size_t anon = 0;
  size_t n = forEachMapping(text, is.sink, [&](const Mapping& m) {
    bytes += m.size().value();
    if (m.isAnonymous()) ++anon;
  });
  CHECK(n == 43);
  CHECK(bytes == 4364 * 1024);  // the Size total of the same process's smaps
  CHECK(anon == 10);
}

TEST_CASE("maps: bad lines, names with spaces, empty input") {
  std::string text =
      "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/my prog (deleted)\n"
      "not a mapping\n"
      "00452000-00400000 rw-p 00000000 00:00 0\n"           // end before start
      "0x1-0x2 rw-p 00000000 00:00 0\n"                     // 0x prefix is not the kernel's
      "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"  // anonymous, trailing pad
      "7f0000001000-7f0000002000 rwxpp 00000000 00:00 0\n"
      "fffffffffffffffffffff-1 rw-p 00000000 00:00 0";
  Issues is("proc/1/maps");
  std::vector<Mapping> maps = parseMaps(text, is.sink);
  REQUIRE(maps.size() == 2);
  CHECK(maps[0].path == "/usr/bin/my prog (deleted)");
  CHECK(maps[0].dev_major == 8);
  CHECK(maps[0].dev_minor == 2);
  CHECK(maps[1].path == "");
  CHECK(maps[1].line == 5);
  REQUIRE(is.list.size() == 5);
  CHECK(is.list[0].format() ==
        "proc/1/maps:2: expected 'start-end perms offset major:minor inode [path]': not a "
        "mapping");
  CHECK(is.list[1].line == 3);
  CHECK(is.list[2].line == 4);
  CHECK(is.list[3].line == 6);
  CHECK(is.list[4].line == 7);

  Issues empty("proc/2/maps");  // kernel threads have no mappings: not an issue
  CHECK(parseMaps("", empty.sink).empty());
  CHECK(empty.list.empty());
}
