// Units and rounding shared by the text, Markdown and HTML reports, and the sanitising of host
// strings for terminals.
#include <catch2/catch.hpp>

#include <limits>

#include "analyzer/report/wording.h"

using namespace memsift;
using namespace memsift::report;

TEST_CASE("formatBytes uses binary units, one decimal, dropped when zero", "[report][units]") {
  CHECK(formatBytes(ByteCount(0)) == "0 B");
  CHECK(formatBytes(ByteCount(1023)) == "1023 B");
  CHECK(formatBytes(ByteCount(1024)) == "1 KiB");
  CHECK(formatBytes(ByteCount(1536)) == "1.5 KiB");
  CHECK(formatBytes(ByteCount(65536)) == "64 KiB");
  CHECK(formatBytes(ByteCount(uint64_t{512} << 20)) == "512 MiB");
  CHECK(formatBytes(ByteCount(447 * (uint64_t{512} << 20))) == "223.5 GiB");
  CHECK(formatBytes(kibToBytes(265856640)) == "253.5 GiB");
  CHECK(formatBytes(ByteCount(uint64_t{3} << 40)) == "3 TiB");
}

TEST_CASE("formatBytes rounds half up and carries into the next unit", "[report][units]") {
  CHECK(formatBytes(ByteCount(1075)) == "1 KiB");    // 1.0498 KiB
  CHECK(formatBytes(ByteCount(1076)) == "1.1 KiB");  // 1.0508 KiB
  CHECK(formatBytes(ByteCount(1126)) == "1.1 KiB");  // 1.0996 KiB
  // 1023.96 MiB would print as "1024 MiB"; it is 1 GiB.
  CHECK(formatBytes(ByteCount((uint64_t{1} << 30) - (uint64_t{40} << 10))) == "1 GiB");
  CHECK(formatBytes(ByteCount((uint64_t{1} << 30) - 1)) == "1 GiB");
  CHECK(formatBytes(ByteCount(std::numeric_limits<uint64_t>::max())) == "16 EiB");
}

TEST_CASE("formatSignedBytes prints negative residuals", "[report][units]") {
  CHECK(formatSignedBytes(-1536) == "-1.5 KiB");
  CHECK(formatSignedBytes(0) == "0 B");
  CHECK(formatSignedBytes(2 << 20) == "2 MiB");
  CHECK(formatSignedBytes(std::numeric_limits<int64_t>::min()) == "-8 EiB");
}

TEST_CASE("formatPercent keeps one decimal and never shows a nonzero share as 0",
          "[report][units]") {
  CHECK(formatPercent(0) == "0%");
  CHECK(formatPercent(0.5) == "50%");
  CHECK(formatPercent(1.0) == "100%");
  CHECK(formatPercent(0.88234) == "88.2%");
  CHECK(formatPercent(0.0004) == "<0.1%");
  CHECK(formatPercent(0.00051) == "0.1%");
  CHECK(formatPercent(1.25) == "125%");
  CHECK(shareOf(1, 0) == 0);
  CHECK(shareOf(1, 4) == 0.25);
}

TEST_CASE("formatCount, formatPfn, formatDuration", "[report][units]") {
  CHECK(formatCount(0) == "0");
  CHECK(formatCount(999) == "999");
  CHECK(formatCount(1000) == "1,000");
  CHECK(formatCount(3661824) == "3,661,824");
  CHECK(formatCount(std::numeric_limits<uint64_t>::max()) == "18,446,744,073,709,551,615");
  CHECK(formatPfn(Pfn(0x10000)) == "0x10000");
  CHECK(formatPfn(Pfn(0)) == "0x0");
  CHECK(formatPageSize(65536) == "64 KiB");
  CHECK(formatDuration(45) == "45s");
  CHECK(formatDuration(725) == "12m 5s");
  CHECK(formatDuration(12000) == "3h 20m");
  CHECK(formatDuration(1054800) == "12d 5h");
}

TEST_CASE("printable neutralises control characters and invalid UTF-8", "[report][units]") {
  CHECK(printable("qemu-kvm") == "qemu-kvm");
  CHECK(printable("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(printable("line\nbreak\r\t") == "line\\x0abreak\\x0d\\x09");
  CHECK(printable("\x7f") == "\\x7f");
  CHECK(printable("bad \xff\xc0\xaf") == "bad \\xff\\xc0\\xaf");  // 0xc0 0xaf: overlong '/'
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");          // a surrogate
  CHECK(printable("trunc \xe2\x82") == "trunc \\xe2\\x82");
  CHECK(printable("gr\xc3\xbc\xc3\x9f") == "gr\xc3\xbc\xc3\x9f");  // valid UTF-8 stays
  CHECK(printable("\xc2\x9b"
                  "2J") == "\\u009b2J");  // C1 CSI
  CHECK(printable("abc\xe2\x80\xae"
                  "fdp.exe") == "abc\\u202efdp.exe");  // right-to-left override
}

TEST_CASE("displayWidth and clip count code points", "[report][units]") {
  CHECK(displayWidth("gr\xc3\xbc\xc3\x9f") == 4);
  CHECK(clip("abcdef", 6) == "abcdef");
  CHECK(clip("abcdefg", 6) == "abc...");
  CHECK(clip("\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", 4) == "\xc3\xbc...");
  CHECK(displayWidth(clip("\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", 4)) == 4);
}

TEST_CASE("the shared sentences: host and anonymous cross-checks", "[report][units]") {
  report::Host h;
  h.kernel = "4.18.0";
  h.arch = "aarch64";
  h.byte_order = "little";
  h.page_size = 65536;
  h.mem_total = ByteCount(uint64_t{1} << 30);
  h.nodes = 1;
  h.collected_at = "2024-03-14T09:26:53Z";
  CHECK(hostSentence(h, printable, "**", "**") ==
        "Linux 4.18.0 on aarch64 (little-endian), 64 KiB pages, MemTotal **1 GiB**, 1 NUMA node. "
        "Collected 2024-03-14T09:26:53Z.");
  h.byte_order = "<odd>";
  h.kernel.assign(1, '\x1b');
  CHECK(hostSentence(h, printable).find("Linux \\x1b on aarch64 (<odd>)") == 0);

  report::AnonReconciliation a;
  a.processes = 5;
  a.process_rss_anon = ByteCount(uint64_t{2} << 30);
  std::vector<std::string> s = anonCrossChecks(a);
  REQUIRE(s.size() == 2);
  CHECK(s[0] == "Over 5 processes, RssAnon sums to 2 GiB.");
  CHECK(s[1] == "No page-frame scan: the bundle has no page-frame tables.");
  a.process_pss_anon = ByteCount(uint64_t{1} << 30);
  a.drift = ByteCount(0);
  s = anonCrossChecks(a);
  REQUIRE(s.size() == 3);
  CHECK(s[0] ==
        "Over 5 processes, RssAnon sums to 2 GiB and Pss_Anon (no double count after fork) to 1 "
        "GiB.");
  CHECK(s[2] == "The counters did not move between the collector's first and last reading.");
  a.drift = ByteCount(18u << 20);
  CHECK(anonCrossChecks(a)[2] ==
        "The counters moved by at most 18 MiB between the collector's first and last reading: "
        "the error bound of comparing them with the page scan.");
}
