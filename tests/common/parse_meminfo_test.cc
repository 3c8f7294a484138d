// /proc/meminfo and nodeN/meminfo: the seed incident, a real 6.18 capture, and bad lines.
#include "common/parse/meminfo.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::formatted;
using memsift::parse::test::seed;

namespace {
constexpr uint64_t KiB = 1024;
}

TEST_CASE("meminfo: the seed incident's numbers") {
  std::string text = seed("meminfo");
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/meminfo", issues);
  Meminfo m = parseMeminfo(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(m.entries.size() == 44);
  CHECK(m.get("Active(anon)") == ByteCount(236843328 * KiB));
  CHECK(m.get("AnonPages") == ByteCount(2868800 * KiB));
  CHECK(m.get("MemAvailable") == ByteCount(331200 * KiB));
  CHECK(m.get("Hugepagesize") == ByteCount(524288 * KiB));
  CHECK(m.get("VmallocTotal") == ByteCount(133009637312ull * KiB));
  CHECK(m.count("HugePages_Total") == uint64_t{0});
  CHECK_FALSE(m.get("HugePages_Total"));  // a count, not a size
  CHECK_FALSE(m.count("AnonPages"));      // a size, not a count
  CHECK_FALSE(m.get("Zswap"));            // not in this older kernel's file
  // File order is kept, with the line of each key.
  CHECK(m.entries.entries().front().key == "MemTotal");
  CHECK(m.entries.entries().back().key == "Hugetlb");
  REQUIRE(m.entries.find("AnonPages"));
  CHECK(m.entries.find("AnonPages")->line == 19);
}

TEST_CASE("meminfo: a real 6.18 capture parses cleanly, unknown keys kept") {
  std::string text = captured("proc_meminfo");
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/meminfo", issues);
  Meminfo m = parseMeminfo(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(m.entries.size() == 54);
  CHECK(m.get("MemTotal") == ByteCount(24683656 * KiB));
  CHECK(m.get("AnonPages") == ByteCount(9232 * KiB));
  CHECK(m.get("Hugepagesize") == ByteCount(2048 * KiB));
  CHECK(m.get("DirectMap1G") == ByteCount(25165824 * KiB));
  CHECK(m.get("Zswapped") == ByteCount(0));
  CHECK(m.count("HugePages_Surp") == uint64_t{0});
}

TEST_CASE("meminfo: bad lines are reported with their line number, good lines still parse") {
  std::string text =
      "MemTotal:       1000 kB\n"                     // 1 good
      "garbage without colon\n"                       // 2
      "AnonPages:      123\n"                         // 3 missing unit
      "Mapped:         99999999999999999999999 kB\n"  // 4 overflow
      "Shmem:          18014398509481984 kB\n"        // 5 bytes overflow
      "Cached:         12 MB\n"                       // 6 wrong unit
      "HugePages_Total:   x\n"                        // 7 bad count
      "\n"                                            // 8 empty
      "MemTotal:       2000 kB\n"                     // 9 repeated
      "Dirty:          5 kB";                         // 10 good, no final newline
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/meminfo", issues);
  Meminfo m = parseMeminfo(text, sink);
  REQUIRE(issues.size() == 8);
  CHECK(issues[0].format() == "proc/meminfo:2: expected 'Key: value kB': garbage without colon");
  CHECK(issues[1].format() == "proc/meminfo:3: expected 'Key: value kB': AnonPages:      123");
  CHECK(issues[2].line == 4);
  CHECK(issues[2].message == "expected 'Key: value kB': number too large for 64 bits");
  CHECK(issues[3].line == 5);
  CHECK(issues[3].message == "expected 'Key: value kB': number too large for 64 bits");
  CHECK(issues[4].line == 6);
  CHECK(issues[5].format() ==
        "proc/meminfo:7: expected 'HugePages_*: count': not a number: HugePages_Total:   x");
  CHECK(issues[6].line == 8);
  CHECK(issues[7].format() ==
        "proc/meminfo:9: key repeated (first seen on line 1); the first value is used: MemTotal");
  CHECK(m.get("MemTotal") == ByteCount(1000 * KiB));
  CHECK(m.get("Dirty") == ByteCount(5 * KiB));
  CHECK_FALSE(m.get("AnonPages"));
  CHECK_FALSE(m.get("Mapped"));
  CHECK(m.entries.size() == 3);
}

TEST_CASE("meminfo: empty input, CRLF and a very long line") {
  std::vector<ParseIssue> issues;
  {
    IssueSink sink("proc/meminfo", issues);
    Meminfo m = parseMeminfo("", sink);
    CHECK(m.entries.empty());
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].format() == "proc/meminfo: empty file");
  }
  issues.clear();
  {
    IssueSink sink("proc/meminfo", issues);
    Meminfo m = parseMeminfo("MemTotal: 10 kB\r\nMemFree: 4 kB\r\n", sink);
    CHECK(m.get("MemTotal") == ByteCount(10 * KiB));
    CHECK(m.get("MemFree") == ByteCount(4 * KiB));
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].line == 1);
  }
  issues.clear();
  {
    std::string text = "MemTotal: 10 kB\nX" + std::string(100000, 'y') + "\nMemFree: 4 kB\n";
    IssueSink sink("proc/meminfo", issues);
    Meminfo m = parseMeminfo(text, sink);
    CHECK(m.get("MemFree") == ByteCount(4 * KiB));
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].line == 2);
    CHECK(issues[0].text.size() == IssueSink::kMaxTextBytes + 3);
  }
}

TEST_CASE("node meminfo: the 'Node N' prefix is taken off the keys") {
  std::string text = captured("sys_node0_meminfo");
  std::vector<ParseIssue> issues;
  IssueSink sink("sys/devices/system/node/node0/meminfo", issues);
  NodeMeminfo n = parseNodeMeminfo(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(n.node == 0u);
  CHECK(n.values.entries.size() == 36);
  CHECK(n.values.get("MemTotal") == ByteCount(4548384 * KiB));
  CHECK(n.values.get("MemUsed") == ByteCount(470128 * KiB));
  CHECK(n.values.get("FileHugePages") == ByteCount(2048 * KiB));
  CHECK(n.values.count("HugePages_Total") == uint64_t{0});
}

TEST_CASE("node meminfo: lines of another node or without the prefix are reported") {
  std::string text =
      "Node 1 MemTotal:  100 kB\n"
      "MemFree: 5 kB\n"
      "Node 2 MemFree:  7 kB\n"
      "Node 1 MemFree:  9 kB\n";
  std::vector<ParseIssue> issues;
  IssueSink sink("sys/devices/system/node/node1/meminfo", issues);
  NodeMeminfo n = parseNodeMeminfo(text, sink);
  CHECK(n.node == 1u);
  CHECK(n.values.get("MemFree") == ByteCount(9 * KiB));
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].format() ==
        "sys/devices/system/node/node1/meminfo:2: expected 'Node N Key: value kB': MemFree: 5 kB");
  CHECK(issues[1].format() ==
        "sys/devices/system/node/node1/meminfo:3: line of node 2 in the file of node 1: Node 2 "
        "MemFree:  7 kB");
}
