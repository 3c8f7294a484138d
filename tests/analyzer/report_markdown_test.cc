// The Markdown report: a support engineer's write-up (finding, evidence, next steps, then
// tables), the same figures as the text report, and host strings that cannot format it.
#include <catch2/catch.hpp>

#include "analyzer/report/markdown_renderer.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

namespace {

std::string markdown(const Report& r) {
  std::string out;
  renderMarkdown(r, out);
  return out;
}

// The pipes that separate cells: those not escaped with a backslash.
int cellSeparators(std::string_view line) {
  int n = 0;
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
  return n;
}

std::string lineWith(const std::string& doc, std::string_view needle) {
  size_t at = doc.find(needle);
  if (at == std::string::npos) return "";
  size_t begin = doc.rfind('\n', at) + 1;
  size_t end = doc.find('\n', at);
  return doc.substr(begin, end - begin);
}

}  // namespace

TEST_CASE("Markdown of the seed incident reads finding, evidence, next steps, then tables",
          "[report][markdown]") {
  std::string m = markdown(test::seedReport());
  INFO(m);
  CHECK(m.find("# Memory report: kvm-host-17\n") == 0);
  size_t summary = m.find("## Summary"),
         finding = m.find("## Finding 1: `unmapped-anon-thp` (critical)"),
         what = m.find("**What.** 447 anonymous transparent huge pages"),
         how_much = m.find("**How much.**"), where = m.find("**Where.**"),
         evidence = m.find("**Evidence.**"), next = m.find("**What to do next.**"),
         finding2 = m.find("## Finding 2: `oom-kills`"), support = m.find("## Supporting data"),
         ledger = m.find("### Memory ledger"), anon = m.find("### Anonymous memory reconciliation"),
         collection = m.find("### Collection");
  CHECK(summary < finding);
  CHECK(finding < what);
  CHECK(what < how_much);
  CHECK(how_much < where);
  CHECK(where < evidence);
  CHECK(evidence < next);
  CHECK(next < finding2);
  CHECK(finding2 < support);
  CHECK(support < ledger);
  CHECK(ledger < anon);
  CHECK(anon < collection);
  CHECK(collection != std::string::npos);

  CHECK(m.find("447 THPs × 512 MiB = **223.5 GiB** (3,661,824 pages, 88.2% of MemTotal)") !=
        std::string::npos);
  // An event concerns no amount: the summary table says so rather than "0 B, 0%".
  CHECK(m.find("| 2 | warning | `oom-kills` | – | – | The OOM killer ran 23 times since boot: "
               "memory ran out "
               "for real. |") != std::string::npos);
  CHECK(
      m.find("| /machine.slice/machine-qemu\\\\x2d1\\\\x2dvm01.scope | 4242 | 150 GiB | 67.1% |") !=
      std::string::npos);
  CHECK(m.find("NUMA nodes: node 0 112 GiB (50.1%); node 1 111.5 GiB (49.9%).") !=
        std::string::npos);
  CHECK(m.find("Physical ranges: 447 in all, the first 10 (PFN, pages): `0x10000` +8,192, "
               "`0x12000` +8,192") != std::string::npos);
  // Evidence names its source: the file and the field.
  CHECK(m.find("- thp\\_split\\_page\\_failed 617,424,542: the kernel tried to split THPs that "
               "something else holds (source: `proc/vmstat` field `thp_split_page_failed`)") !=
        std::string::npos);
  CHECK(m.find("1. Something holds references") != std::string::npos);
}

TEST_CASE("Markdown tables carry the same figures as the text report", "[report][markdown]") {
  std::string m = markdown(test::seedReport());
  INFO(m);
  CHECK(m.find("| **Residual: accounted for by nobody** | **2.9 GiB** | **1.1%** |") !=
        std::string::npos);
  CHECK(m.find("| Anonymous LRU, active | 225.9 GiB | 89.1% | `proc/meminfo` field "
               "`Active(anon)` |") != std::string::npos);
  CHECK(m.find("| **= on the LRU, mapped by nobody** | **223.1 GiB** | **88% of MemTotal** |") !=
        std::string::npos);
  CHECK(
      m.find("| anonymous THP, unmapped | `anon_thp_unmapped` | 3,661,824 | 223.5 GiB | 87.3% |") !=
      std::string::npos);
  CHECK(m.find("| 48211 | qemu\\-kvm | 3.4 GiB |") == std::string::npos);  // '-' is not escaped
  CHECK(m.find("| 48211 | qemu-kvm | 3.4 GiB |") != std::string::npos);
  // Every row of a table has as many cell separators as its header.
  std::string header = lineWith(m, "| pid | comm |");
  std::string row = lineWith(m, "| 48211 |");
  CHECK(cellSeparators(header) == 13);
  CHECK(cellSeparators(row) == 13);
  // An event finding states no amount.
  size_t oom = m.find("## Finding 2: `oom-kills`");
  CHECK(m.find("**How much.**", oom) == std::string::npos);
}

TEST_CASE("Markdown of a healthy host has no finding sections", "[report][markdown]") {
  std::string m = markdown(test::healthyReport());
  INFO(m);
  CHECK(m.find("No findings: nothing in this bundle points at memory") != std::string::npos);
  CHECK(m.find("## Finding") == std::string::npos);
  CHECK(m.find("The bundle has no page-frame tables") != std::string::npos);
  CHECK(m.find("Partial report") == std::string::npos);
}

TEST_CASE("Markdown escapes what came from the host", "[report][markdown]") {
  CHECK(markdownEscape("a*b_c`d[e](f)|g\\h#i~j!k") == "a\\*b\\_c\\`d\\[e\\](f)\\|g\\\\h\\#i\\~j!k");
  CHECK(markdownEscape("![x](http://evil/)") == "!\\[x\\](http://evil/)");  // no image, no link
  CHECK(markdownEscape("<script>&") == "&lt;script&gt;&amp;");
  CHECK(markdownEscape("two\nlines") == "two\\\\x0alines");
  CHECK(markdownEscape("4.18.0-147") == "4.18.0-147");  // readable as plain text too

  Report r = test::seedReport();
  test::addHostileProcess(r);
  std::string m = markdown(r);
  INFO(m);
  CHECK(m.find("<script>") == std::string::npos);
  CHECK(m.find("<img") == std::string::npos);
  CHECK(m.find("<b>") == std::string::npos);
  CHECK(m.find("\x1b") == std::string::npos);
  CHECK(m.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(m.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  std::string header = lineWith(m, "| pid | comm |");
  std::string row = lineWith(m, "| 6666 |");
  CHECK(cellSeparators(row) == cellSeparators(header));
  std::string cgroup_row = lineWith(m, "evil.slice/&lt;b&gt;");
  CHECK(cellSeparators(cgroup_row) == 10);  // 9 columns: frames (subtree) and own
}
