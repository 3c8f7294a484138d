// /proc/slabinfo 2.1 from a real 6.18 host (SLUB), and bad lines.
#include "common/parse/slabinfo.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("slabinfo: a real 6.18 host") {
  std::string text = captured("proc_slabinfo");
  Issues is("proc/slabinfo");
  Slabinfo s = parseSlabinfo(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  CHECK(s.version == "2.1");
  REQUIRE(s.caches.size() == 235);
  CHECK(s.caches[0].name == "btrfs_delayed_node");
  CHECK(s.caches[0].line == 3);
  const SlabCache* task = nullptr;
  uint64_t pages = 0;
  for (const SlabCache& c : s.caches) {
    if (c.name == "task_struct") task = &c;
    pages += c.pages().value();
  }
  REQUIRE(task);
  CHECK(task->active_objs == 117);
  CHECK(task->num_objs == 119);
  CHECK(task->objsize == ByteCount(4288));
  CHECK(task->objs_per_slab == 7);
  CHECK(task->pages_per_slab == PageCount(8));
  CHECK(task->active_slabs == 17);
  CHECK(task->num_slabs == 17);
  CHECK(task->pages() == PageCount(136));
  CHECK(pages == 15453);
}

TEST_CASE("slabinfo: other version, bad rows") {
  std::string text =
      "slabinfo - version: 2.0\n"
      "# name <active_objs> ...\n"
      "kmalloc-64 10 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
      "kmalloc-32 10 64 32 128 1 : tunables 0 0 0\n"
      "kmalloc-16 x 64 16 256 1 : tunables 0 0 0 : slabdata 1 1 0\n"
      "kmalloc-8 1 99999999999999999999 8 512 1 : tunables 0 0 0 : slabdata 1 1 0\n"
      "kmalloc-96 42 42 96 42 1 : tunables 0 0 0 : slabdata 1 1 0";
  Issues is("proc/slabinfo");
  Slabinfo s = parseSlabinfo(text, is.sink);
  CHECK(s.version == "2.0");
  REQUIRE(s.caches.size() == 2);
  CHECK(s.caches[1].name == "kmalloc-96");
  CHECK(s.caches[1].active_objs == 42);
  REQUIRE(is.list.size() == 4);
  CHECK(is.list[0].format() ==
        "proc/slabinfo:1: slabinfo version other than 2.1; parsed as 2.1: slabinfo - version: 2.0");
  CHECK(is.list[1].line == 4);
  CHECK(is.list[2].line == 5);
  CHECK(is.list[3].line == 6);
  CHECK(is.list[3].message.ends_with("number too large for 64 bits"));

  Issues bad("proc/slabinfo");
  parseSlabinfo("garbage\n", bad.sink);
  REQUIRE(bad.list.size() == 1);
  CHECK(bad.list[0].format() == "proc/slabinfo:1: expected 'slabinfo - version: 2.1': garbage");
}
