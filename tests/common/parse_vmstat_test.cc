// /proc/vmstat and the shared "key value" format: the seed incident, a real capture, bad lines.
#include "common/parse/vmstat.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::formatted;
using memsift::parse::test::seed;

TEST_CASE("vmstat: the seed incident's evidence") {
  std::string text = seed("vmstat");
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/vmstat", issues);
  Vmstat v = parseVmstat(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(v.size() == 129);
  CHECK(v.value("thp_split_page_failed") == uint64_t{617424542});
  CHECK(v.value("oom_kill") == uint64_t{23});
  CHECK(v.value("compact_fail") == uint64_t{48});
  CHECK(v.value("numa_miss") == uint64_t{3586893711});
  CHECK(v.value("numa_hit") == uint64_t{122846488589});
  CHECK(v.value("nr_active_anon") == uint64_t{3700697});
  CHECK_FALSE(v.value("nr_anon_transparent_hugepages_x"));
  CHECK(v.entries().front().key == "nr_free_pages");
  CHECK(v.entries().back().key == "swap_ra_hit");
  REQUIRE(v.find("oom_kill"));
  CHECK(v.find("oom_kill")->line == 85);
}

TEST_CASE("vmstat: a real 6.18 capture") {
  std::string text = captured("proc_vmstat");
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/vmstat", issues);
  Vmstat v = parseVmstat(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(v.size() == 192);
  CHECK(v.value("nr_free_pages") == uint64_t{1019564});
  CHECK(v.value("nr_anon_pages") == uint64_t{2308});
  CHECK(v.value("pgfault") == uint64_t{2312885});
  CHECK(v.value("oom_kill") == uint64_t{0});
}

TEST_CASE("vmstat: bad lines are reported, the rest parses") {
  std::string text =
      "nr_free_pages 10\n"                 // 1
      "oops\n"                             // 2 no value
      "pgfault 99999999999999999999999\n"  // 3 overflow
      "pgmajfault -3\n"                    // 4 negative
      "nr_dirty 1 2\n"                     // 5 extra field
      "\n"                                 // 6 empty
      "oom_kill 23\r\n"                    // 7 CRLF
      "thp_split_page_failed 617424542";   // 8 no final newline
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/vmstat", issues);
  Vmstat v = parseVmstat(text, sink);
  REQUIRE(issues.size() == 6);
  CHECK(issues[0].format() == "proc/vmstat:2: expected 'key value': oops");
  CHECK(issues[1].format() ==
        "proc/vmstat:3: expected 'key value': number too large for 64 bits: pgfault "
        "99999999999999999999999");
  CHECK(issues[2].format() == "proc/vmstat:4: expected 'key value': not a number: pgmajfault -3");
  CHECK(issues[3].format() == "proc/vmstat:5: expected 'key value': nr_dirty 1 2");
  CHECK(issues[4].format() == "proc/vmstat:6: empty line");
  CHECK(issues[5].line == 7);  // the CRLF note
  CHECK(v.size() == 3);
  CHECK(v.value("nr_free_pages") == uint64_t{10});
  CHECK(v.value("oom_kill") == uint64_t{23});
  CHECK(v.value("thp_split_page_failed") == uint64_t{617424542});
  CHECK_FALSE(v.value("pgfault"));
}

TEST_CASE("vmstat: empty input is reported") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/vmstat", issues);
  Vmstat v = parseVmstat("", sink);
  CHECK(v.empty());
  CHECK_FALSE(v.value("oom_kill"));
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].format() == "proc/vmstat: empty file");
}
