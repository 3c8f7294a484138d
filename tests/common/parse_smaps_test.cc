// /proc/PID/smaps (streamed per VMA, totals) and smaps_rollup: a real 6.18 process, bad lines.
#include "common/parse/smaps.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

namespace {
constexpr uint64_t KiB = 1024;
}

TEST_CASE("smaps: a real 6.18 process, per VMA and totals") {
  std::string text = captured("proc_pid_smaps");
  Issues is("proc/5272/smaps");
  std::vector<SmapsVma> vmas;
  SmapsTotals t = forEachSmapsVma(text, is.sink, [&](const SmapsVma& v) { vmas.push_back(v); });
  INFO(is.text());
  CHECK(is.list.empty());
  CHECK(t.vmas == 43);
  REQUIRE(vmas.size() == 43);
  CHECK(t.counters[SmapsField::kRss] == ByteCount(3132 * KiB));
  CHECK(t.counters[SmapsField::kPss] == ByteCount(725 * KiB));
  CHECK(t.counters[SmapsField::kSize] == ByteCount(4364 * KiB));
  CHECK(t.counters[SmapsField::kPrivateDirty] == ByteCount(272 * KiB));
  CHECK(t.counters[SmapsField::kAnonymous] == ByteCount(272 * KiB));
  CHECK(t.counters[SmapsField::kKernelPageSize] == ByteCount(0));  // page sizes are not summed
  CHECK(t.counters.has(SmapsField::kPssDirty));
  CHECK_FALSE(t.counters.has(SmapsField::kPssAnon));  // only in smaps_rollup

  const SmapsVma& first = vmas[0];
  CHECK(first.mapping.path == "/usr/bin/bash");
  CHECK(first.mapping.line == 1);
  CHECK(first.counters[SmapsField::kSize] == ByteCount(188 * KiB));
  CHECK(first.counters[SmapsField::kKernelPageSize] == ByteCount(4 * KiB));
  CHECK(first.counters[SmapsField::kPss] == ByteCount(37 * KiB));
  CHECK(first.thp_eligible == uint64_t{0});
  CHECK(first.protection_key == uint64_t{0});
  CHECK(first.vm_flags == "rd mr mw me");
  CHECK(first.hasVmFlag("mr"));
  CHECK_FALSE(first.hasVmFlag("ex"));
  CHECK(first.block.starts_with("Size:                188 kB\n"));
  CHECK(first.block.ends_with("VmFlags: rd mr mw me \n"));
  CHECK(findSmapsSize(first.block, "Shared_Clean") == ByteCount(188 * KiB));
  CHECK_FALSE(findSmapsSize(first.block, "VmFlags"));

  const SmapsVma& heap = vmas[6];
  CHECK(heap.mapping.path == "[heap]");
  CHECK(heap.mapping.line == 157);
  CHECK(heap.counters[SmapsField::kRss] == ByteCount(80 * KiB));
  CHECK(vmas[1].hasVmFlag("ex"));
}

TEST_CASE("smaps: totals only") {
  std::string text = captured("proc_pid_smaps");
  Issues is("proc/5272/smaps");
  SmapsTotals t = parseSmapsTotals(text, is.sink);
  CHECK(t.vmas == 43);
  CHECK(t.counters[SmapsField::kRss] == ByteCount(3132 * KiB));
}

TEST_CASE("smaps_rollup: one summed block with Pss_Anon/File/Shmem") {
  std::string text = captured("proc_pid_smaps_rollup");
  Issues is("proc/5272/smaps_rollup");
  std::optional<SmapsVma> r = parseSmapsRollup(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(r);
  CHECK(r->mapping.path == "[rollup]");
  CHECK(r->mapping.start == 0x55c4136bc000);
  CHECK(r->mapping.end == 0x7ffc4878d000);
  CHECK(r->counters[SmapsField::kRss] == ByteCount(3132 * KiB));
  CHECK(r->counters[SmapsField::kPss] == ByteCount(735 * KiB));
  CHECK(r->counters[SmapsField::kPssAnon] == ByteCount(272 * KiB));
  CHECK(r->counters[SmapsField::kPssFile] == ByteCount(463 * KiB));
  CHECK(r->counters.has(SmapsField::kPssShmem));
  CHECK_FALSE(r->counters.has(SmapsField::kSize));

  Issues empty("proc/2/smaps_rollup");  // kernel threads: empty, not an issue
  CHECK_FALSE(parseSmapsRollup("", empty.sink));
  CHECK(empty.list.empty());
}

TEST_CASE("smaps: bad lines are reported and the VMA keeps what parsed") {
  std::string text =
      "Rss: 4 kB\n"                                        // 1 before any header
      "00400000-00401000 r-xp 00000000 08:02 17 /bin/x\n"  // 2
      "Size:                  4 kB\n"                      // 3
      "Rss:                   oops kB\n"                   // 4 bad number
      "Pss:                   2\n"                         // 5 missing unit
      "Swap:  99999999999999999999 kB\n"                   // 6 overflow
      "garbage\n"                                          // 7
      "NewKernelField:        8 kB\n"                      // 8 unknown: kept in block
      "Private_Dirty:         4 kB\r\n"                    // 9 CRLF
      "THPeligible:    x\n"                                // 10
      "VmFlags: rd ex\n"                                   // 11
      "zzzz-00402000 rw-p 00000000 00:00 0\n"              // 12 bad header
      "Rss: 4 kB\n"                                        // 13 dropped with it
      "00402000-00403000 rw-p 00000000 00:00 0\n"          // 14
      "AnonHugePages:       2048 kB";                      // 15 no final newline
  Issues is("proc/1/smaps");
  std::vector<SmapsVma> vmas;
  SmapsTotals t = forEachSmapsVma(text, is.sink, [&](const SmapsVma& v) { vmas.push_back(v); });
  REQUIRE(vmas.size() == 2);
  CHECK(t.vmas == 2);
  CHECK(vmas[0].counters[SmapsField::kSize] == ByteCount(4 * KiB));
  CHECK_FALSE(vmas[0].counters.has(SmapsField::kRss));
  CHECK_FALSE(vmas[0].counters.has(SmapsField::kPss));
  CHECK(vmas[0].counters[SmapsField::kPrivateDirty] == ByteCount(4 * KiB));
  CHECK(vmas[0].vm_flags == "rd ex");
  CHECK_FALSE(vmas[0].thp_eligible);
  CHECK(findSmapsSize(vmas[0].block, "NewKernelField") == ByteCount(8 * KiB));
  CHECK(vmas[1].counters[SmapsField::kAnonHugePages] == ByteCount(2048 * KiB));
  CHECK(t.counters[SmapsField::kAnonHugePages] == ByteCount(2048 * KiB));
  CHECK(t.counters[SmapsField::kRss] == ByteCount(0));

  CHECK(is.lines() == std::vector<size_t>{1, 4, 5, 6, 7, 9, 10, 12});
  CHECK(is.list[0].format() == "proc/1/smaps:1: field line before the first VMA header: Rss: 4 kB");
  CHECK(is.list[3].message == "expected 'Key: value kB': number too large for 64 bits");
  CHECK(is.list[6].format() ==
        "proc/1/smaps:10: expected 'Key: number': not a number: THPeligible:    x");
  CHECK(is.list[7].message ==
        "expected VMA header 'start-end perms offset major:minor inode [path]'");
}

TEST_CASE("smaps_rollup: a second block is reported") {
  std::string text =
      "00400000-00500000 ---p 00000000 00:00 0 [rollup]\nRss: 8 kB\n"
      "00400000-00500000 ---p 00000000 00:00 0 [rollup]\nRss: 4 kB\n";
  Issues is("proc/1/smaps_rollup");
  auto r = parseSmapsRollup(text, is.sink);
  REQUIRE(r);
  CHECK(r->counters[SmapsField::kRss] == ByteCount(8 * KiB));
  REQUIRE(is.list.size() == 1);
  CHECK(is.list[0].format() ==
        "proc/1/smaps_rollup:3: more than one block in smaps_rollup; the first is used");
}
