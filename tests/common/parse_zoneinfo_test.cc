// /proc/zoneinfo and /proc/buddyinfo from a real 6.18 host, cross-checked, and bad lines.
#include "common/parse/buddyinfo.h"
#include "common/parse/zoneinfo.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("zoneinfo: a real 6.18 host, zones, watermarks, counters and node stats") {
  std::string text = captured("proc_zoneinfo");
  Issues is("proc/zoneinfo");
  Zoneinfo z = parseZoneinfo(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(z.zones.size() == 5);
  CHECK(z.zones[0].name == "DMA");
  CHECK(z.zones[4].name == "Device");
  REQUIRE(z.nodes.size() == 1);
  CHECK(z.nodes[0].node == 0);
  CHECK(z.nodes[0].line == 2);
  CHECK(z.nodes[0].stats.size() == 51);
  CHECK(z.nodes[0].stats.value("nr_anon_pages") == uint64_t{2308});
  CHECK(z.nodes[0].stats.value("nr_file_pages") == uint64_t{87015});

  const Zone* normal = z.find(0, "Normal");
  REQUIRE(normal);
  CHECK(normal->line == 145);
  CHECK(normal->free == PageCount(242916));
  CHECK(normal->min == PageCount(5355));
  CHECK(normal->low == PageCount(6693));
  CHECK(normal->high == PageCount(8031));
  CHECK(normal->promo == PageCount(9369));
  CHECK(normal->spanned == PageCount(5505024));
  CHECK(normal->present == PageCount(5505024));
  CHECK(normal->managed == PageCount(360448));
  CHECK(normal->protection == "(0, 0, 0, 0, 0)");
  CHECK(normal->stats.size() == 17);
  CHECK(normal->stats.value("nr_zone_active_anon") == uint64_t{383});
  CHECK(normal->stats.value("numa_hit") == uint64_t{2386346});
  CHECK(normal->start_pfn == Pfn(1048576));
  CHECK(normal->node_unreclaimable == uint64_t{0});
  CHECK(normal->populated());

  const Zone* movable = z.find(0, "Movable");
  REQUIRE(movable);
  CHECK_FALSE(movable->populated());
  CHECK(movable->stats.empty());
  CHECK_FALSE(movable->start_pfn);
  CHECK(z.find(0, "DMA32")->start_pfn == Pfn(4096));
  CHECK_FALSE(z.find(1, "Normal"));
}

TEST_CASE("buddyinfo: a real 6.18 host agrees with zoneinfo's free pages") {
  std::string text = captured("proc_buddyinfo");
  Issues is("proc/buddyinfo");
  std::vector<BuddyZone> b = parseBuddyinfo(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(b.size() == 3);
  CHECK(b[0].zone == "DMA");
  CHECK(b[2].zone == "Normal");
  CHECK(b[2].orders == 11);
  CHECK(b[2].free_blocks[0] == 4142);
  CHECK(b[2].free_blocks[10] == 132);
  // Captured a moment apart from zoneinfo, yet these matched: sum of count << order.
  CHECK(b[0].freePages() == PageCount(3840));
  CHECK(b[1].freePages() == PageCount(772808));
  CHECK(b[2].freePages() == PageCount(242916));
}

TEST_CASE("buddyinfo: bad lines") {
  std::string text =
      "Node 0, zone      DMA      1      2\n"
      "Node 0, zone    DMA32      1      x\n"
      "zone Normal 1 2\n"
      "Node 0, zone   Normal      1      2      3\n"
      "Node 0, zone   Movable\n"
      "Node 0, zone   Device  99999999999999999999 1";
  Issues is("proc/buddyinfo");
  std::vector<BuddyZone> b = parseBuddyinfo(text, is.sink);
  REQUIRE(b.size() == 2);
  CHECK(b[0].freePages() == PageCount(5));
  CHECK(b[1].freePages() == PageCount(1 + 4 + 12));
  REQUIRE(is.list.size() == 5);
  CHECK(is.list[0].format() ==
        "proc/buddyinfo:2: expected a free block count per order: not a number: Node 0, zone    "
        "DMA32      1      x");
  CHECK(is.list[1].format() ==
        "proc/buddyinfo:3: expected 'Node N, zone NAME count...': zone Normal 1 2");
  CHECK(is.list[2].message == "3 orders where line 1 has 2");
  CHECK(is.list[3].format() == "proc/buddyinfo:5: no free block counts: Node 0, zone   Movable");
  CHECK(is.list[4].line == 6);
  CHECK(is.list[4].message ==
        "expected a free block count per order: number too large for 64 bits");
}

TEST_CASE("zoneinfo: bad lines, empty input") {
  std::string text =
      "  pages free 5\n"              // 1 before any zone
      "Node 0, zone   Normal\n"       // 2
      "  per-node stats\n"            // 3
      "      nr_anon_pages 7\n"       // 4
      "      nr_mapped x\n"           // 5
      "  pages free     10\n"         // 6
      "        min      2\n"          // 7
      "        protection: (0, 0)\n"  // 8
      "      nr_free_pages 10\n"      // 9
      "      what is this\n"          // 10
      "  pagesets\n"                  // 11
      "    cpu: 0\n"                  // 12
      "              count: 3\n"      // 13
      "  start_pfn:           x\n"    // 14
      "Node 0, zone  Movable\n"       // 15
      "  pages free     0\r\n";       // 16 CRLF
  Issues is("proc/zoneinfo");
  Zoneinfo z = parseZoneinfo(text, is.sink);
  REQUIRE(z.zones.size() == 2);
  CHECK(z.nodes[0].stats.value("nr_anon_pages") == uint64_t{7});
  CHECK_FALSE(z.nodes[0].stats.value("nr_mapped"));
  CHECK(z.zones[0].free == PageCount(10));
  CHECK(z.zones[0].min == PageCount(2));
  CHECK(z.zones[0].stats.value("nr_free_pages") == uint64_t{10});
  CHECK_FALSE(z.zones[0].start_pfn);
  CHECK(is.lines() == std::vector<size_t>{1, 5, 10, 14, 16});
  CHECK(is.list[0].format() ==
        "proc/zoneinfo:1: expected 'Node N, zone NAME' first:   pages free 5");
  CHECK(is.list[1].message == "expected 'name value': not a number");
  CHECK(is.list[3].message == "expected 'Key: number': not a number");

  Issues empty("proc/zoneinfo");
  CHECK(parseZoneinfo("", empty.sink).zones.empty());
  REQUIRE(empty.list.size() == 1);
  CHECK(empty.list[0].format() == "proc/zoneinfo: empty file");
}
