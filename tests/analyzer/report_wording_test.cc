// The sentences and table figures of report/wording.h are written once: every human format says
// them the same way, and the wording itself is what a reader expects.
#include <catch2/catch.hpp>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/text_renderer.h"
#include "analyzer/report/wording.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

namespace {

struct Rendered {
  std::string text, markdown, html;
};

Rendered renderAll(const Report& r) {
  Rendered out;
  renderText(r, out.text, {.width = 0});
  renderMarkdown(r, out.markdown);
  renderHtml(r, out.html);
  return out;
}

bool has(const std::string& doc, const std::string& s) {
  return doc.find(s) != std::string::npos;
}

}  // namespace

TEST_CASE("the wording's sentences read as intended", "[report][wording]") {
  CHECK(vanishedProcesses(1234) ==
        "1,234 processes exited while being collected (omitted, not an error)");
  CHECK(moreParseIssues(5, "...") == "... and 5 more (all of them are in the JSON report)");
  CHECK(largestOf(20, 1234, "processes") == "The 20 largest of 1,234 processes");
  Ledger l;
  l.mem_total = ByteCount(1000);
  l.residual_bytes = -100;
  CHECK(residualShare(l) == "-10%");
  l.residual_bytes = 1;
  CHECK(residualShare(l) == "0.1%");
  CHECK(magnitude(INT64_MIN) == uint64_t{1} << 63);
}

TEST_CASE("every human format takes the shared sentences from the wording", "[report][wording]") {
  Report r = test::healthyReport();
  r.collection.vanished_processes = 7;
  for (int i = 0; i < 60; ++i)
    r.collection.parse_issues.push_back("proc/1/status:" + std::to_string(i) + ": bad line");
  r.ledger.residual_bytes = -(int64_t{1} << 30);
  const Rendered d = renderAll(r);
  for (const std::string* doc : {&d.text, &d.markdown, &d.html}) {
    CHECK(has(*doc, vanishedProcesses(7)));
    CHECK(has(*doc, std::string(kResidualWhat)));
    CHECK(has(*doc, std::string(kResidualSource)));
    CHECK(has(*doc, residualShare(r.ledger)));
  }
  // Each format lists its own number of parse issues, then says how many it left out.
  CHECK(has(d.text, moreParseIssues(40, "...")));
  CHECK(has(d.markdown, moreParseIssues(40, "...")));
  CHECK(has(d.html, moreParseIssues(10, "…")));
  CHECK(has(d.markdown, std::string(kLedgerOvershoot)));
  CHECK(has(d.html, std::string(kLedgerOvershoot)));
}

TEST_CASE("process and cgroup figures are the same cells in every format", "[report][wording]") {
  const Report r = test::seedReport();
  REQUIRE(!r.processes.empty());
  REQUIRE(!r.cgroups.empty());
  const Rendered d = renderAll(r);
  const std::vector<std::string> p = processFigures(r.processes.front(), "n/a");
  const std::vector<std::string> c = cgroupFigures(r.cgroups.front(), "n/a");
  REQUIRE(p.size() == std::size(kProcessFigures));
  REQUIRE(c.size() == std::size(kCgroupFigures));
  std::string md_cells, html_cells;
  for (const std::string& cell : p) {
    md_cells.append(" ").append(cell).append(" |");
    html_cells.append("<td class=\"n\">").append(cell).append("</td>");
  }
  CHECK(has(d.markdown, md_cells));
  CHECK(has(d.html, html_cells));
  for (std::string_view name : kCgroupFigures) {
    // Appended: g++ 12 -O3 warns falsely (-Wrestrict) on "literal" + std::string.
    CHECK(has(d.markdown, std::string(" ").append(name).append(" |")));
    CHECK(has(d.html, std::string("<th class=\"n\">").append(name).append("</th>")));
    CHECK(has(d.text, std::string(name)));
  }
}
