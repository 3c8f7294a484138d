// The text report: findings first, the key figures in the shared units, aligned tables, and host
// strings that cannot drive the reader's terminal.
#include <catch2/catch.hpp>

#include "analyzer/report/text_renderer.h"
#include "analyzer/report/wording.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

namespace {

std::string text(const Report& r) {
  std::string out;
  renderText(r, out);
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin < s.size()) {
    size_t end = s.find('\n', begin);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("text report of the seed incident: the finding with its figures, first",
          "[report][text]") {
  std::string t = text(test::seedReport());
  INFO(t);
  CHECK(t.find("memsift report for kvm-host-17") == 0);
  CHECK(
      t.find("\n  Linux 4.18.0-147.el8.aarch64 on aarch64 (little-endian), 64 KiB pages, MemTotal "
             "253.5 GiB, 2 NUMA") != std::string::npos);
  CHECK(t.find("uptime 12d 5h") != std::string::npos);
  CHECK(t.find("[CRITICAL] unmapped-anon-thp  223.5 GiB (88.2% of MemTotal)") != std::string::npos);
  CHECK(t.find("447 THPs x 512 MiB = 223.5 GiB, 3,661,824 pages") != std::string::npos);
  CHECK(t.find("/machine.slice/machine-qemu\\x2d1\\x2dvm01.scope   150 GiB   4242") !=
        std::string::npos);
  CHECK(t.find("NUMA nodes: node 0 112 GiB, node 1 111.5 GiB") != std::string::npos);
  CHECK(t.find("physical ranges: 447 in all, first 8 shown") != std::string::npos);
  CHECK(t.find("0x10000    0x11fff   8,192  512 MiB") != std::string::npos);
  CHECK(t.find("[pageframes kpageflags, kpagecount]") != std::string::npos);
  CHECK(t.find("    1. Something holds references") != std::string::npos);
  // Prose wraps at 100 columns with a hanging indent.
  CHECK(t.find("\n       owning cgroup's workload for pinned memory") != std::string::npos);
  CHECK(t.find("\n      [pageframes kpageflags, kpagecount]\n") != std::string::npos);
  for (const std::string& l : lines(t))
    if (l.find("Something holds") != std::string::npos ||
        l.find("vmsplice into pipes") != std::string::npos)
      CHECK(l.size() <= 100);
  CHECK(t.find("[WARNING] oom-kills\n  The OOM killer ran 23 times since boot: memory ran out for "
               "real.\n  evidence:") != std::string::npos);  // an event: no amount

  // Section order: findings, ledger, reconciliation, frames, processes, cgroups, collection.
  size_t findings = t.find("FINDINGS (2)"), ledger = t.find("MEMORY LEDGER"),
         anon = t.find("ANONYMOUS MEMORY RECONCILIATION"), frames = t.find("PAGE FRAMES"),
         procs = t.find("TOP PROCESSES (3 of 212, by RSS)"),
         cgroups = t.find("TOP MEMORY CGROUPS (2 of 46, by "), collection = t.find("COLLECTION\n");
  CHECK(findings < ledger);
  CHECK(ledger < anon);
  CHECK(anon < frames);
  CHECK(frames < procs);
  CHECK(procs < cgroups);
  CHECK(cgroups < collection);
  CHECK(collection != std::string::npos);
}

TEST_CASE("text ledger: residual stands out, shares align", "[report][text]") {
  std::string t = text(test::seedReport());
  INFO(t);
  CHECK(t.find("MemTotal 253.5 GiB [proc/meminfo MemTotal]") != std::string::npos);
  CHECK(t.find(">> RESIDUAL: accounted for by nobody    2.9 GiB   1.1%  MemTotal minus") !=
        std::string::npos);
  CHECK(
      t.find("Anonymous LRU, active                 225.9 GiB  89.1%  proc/meminfo Active(anon)") !=
      std::string::npos);
  // Right-aligned numbers: every row of the ledger table ends its share at the same column.
  std::vector<std::string> all = lines(t);
  auto head = std::find_if(all.begin(), all.end(),
                           [](const std::string& l) { return l.find("  part ") == 0; });
  REQUIRE(head != all.end());
  size_t column = head->find("share") + 5;
  int rows = 0;
  for (auto it = head + 1; it != all.end() && it->find('%') != std::string::npos; ++it, ++rows)
    CHECK(it->find('%') + 1 == column);
  CHECK(rows == 13);  // 12 lines + the residual
}

TEST_CASE("text reconciliation, frames, processes and cgroups", "[report][text]") {
  std::string t = text(test::seedReport());
  INFO(t);
  CHECK(t.find("Active(anon) + Inactive(anon)      227.5 GiB") != std::string::npos);
  CHECK(t.find(">> = on the LRU, mapped by nobody  223.1 GiB  88% of MemTotal") !=
        std::string::npos);
  CHECK(t.find("    - Over 212 processes, RssAnon sums to 2.7 GiB and Pss_Anon") !=
        std::string::npos);
  CHECK(
      t.find("    - The counters moved by at most 18 MiB between the collector's first and last") !=
      std::string::npos);
  CHECK(t.find("anonymous THP, unmapped              3,661,824  223.5 GiB  87.3%") !=
        std::string::npos);
  CHECK(t.find("48211  3.4 GiB  3.3 GiB  2.3 GiB") != std::string::npos);
  CHECK(t.find("qemu-kvm") != std::string::npos);
  CHECK(t.find("collection complete: yes; analysis partial: no") != std::string::npos);
  CHECK(t.find("Limitations: none") != std::string::npos);
}

TEST_CASE("text report of a healthy host says so", "[report][text]") {
  std::string t = text(test::healthyReport());
  INFO(t);
  CHECK(t.find("FINDINGS (0)\n============\nNo findings") != std::string::npos);
  CHECK(t.find("No page-frame tables in this bundle") != std::string::npos);
  CHECK(t.find("[CRITICAL]") == std::string::npos);
  CHECK(t.find("[WARNING]") == std::string::npos);
  CHECK(t.find("PARTIAL") == std::string::npos);
}

TEST_CASE("text report of a partial collection lists what is missing and why", "[report][text]") {
  Report r = test::healthyReport();
  r.collection.complete = false;
  r.collection.partial = true;
  r.collection.missing = {{"proc/kpageflags", "denied", "run memsift-collect as root"}};
  r.collection.limitations = {{LimitationKind::kNoPageTables, {}, 0, 0, {}}};
  r.collection.vanished_processes = 3;
  for (int i = 0; i < 25; ++i)
    r.collection.parse_issues.push_back("proc/1/status:" + std::to_string(i) + ": bad line");
  std::string t = text(r);
  INFO(t);
  CHECK(t.find("!! PARTIAL REPORT") != std::string::npos);
  CHECK(t.find("proc/kpageflags  denied  run memsift-collect as root") != std::string::npos);
  CHECK(t.find("  - page-frame classification, unmapped THP and base-page detection") !=
        std::string::npos);
  CHECK(t.find("3 processes exited while being collected") != std::string::npos);
  CHECK(t.find("Malformed input (25)") != std::string::npos);
  CHECK(t.find("... and 5 more") != std::string::npos);
}

TEST_CASE("text report: host strings cannot send escape sequences", "[report][text]") {
  Report r = test::seedReport();
  test::addHostileProcess(r);
  std::get<report::OomFacts>(r.findings[1].facts).messages[0].text = "evil\x1b]0;pwned\x07\r\n";
  std::string t = text(r);
  for (char c : t) {
    bool ok = c == '\n' || static_cast<unsigned char>(c) >= 0x20;
    CHECK((ok && c != 0x7f));
    if (!ok) break;
  }
  CHECK(t.find("evil\\x1b]0;pwned\\x07\\x0d\\x0a") != std::string::npos);
  // The cgroup path is cut to fit 100 columns by default: whole with --wide.
  std::string wide;
  renderText(r, wide, {0});
  CHECK(wide.find("\\x1b[31m|red`") != std::string::npos);
}
