// The format dispatcher, and the promise that every human format prints a figure the same way.
#include <catch2/catch.hpp>

#include <sstream>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/json_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/render.h"
#include "analyzer/report/text_renderer.h"
#include "analyzer/report/units_format.h"
#include "common/error.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

TEST_CASE("parseFormat knows the four formats and names the choices otherwise", "[report]") {
  CHECK(parseFormat("text") == Format::kText);
  CHECK(parseFormat("json") == Format::kJson);
  CHECK(parseFormat("markdown") == Format::kMarkdown);
  CHECK(parseFormat("md") == Format::kMarkdown);
  CHECK(parseFormat("html") == Format::kHtml);
  for (Format f : {Format::kText, Format::kJson, Format::kMarkdown, Format::kHtml})
    CHECK(parseFormat(formatName(f)) == f);
  try {
    parseFormat("pdf");
    FAIL("parseFormat accepted pdf");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    CHECK(std::string(e.what()) ==
          "unknown report format 'pdf' (choose text, json, markdown or html)");
  }
}

TEST_CASE("renderReport hands the model to the format's renderer", "[report]") {
  Report r = test::seedReport();
  std::string text, json, md, html;
  renderText(r, text);
  renderJson(r, json);
  renderMarkdown(r, md);
  renderHtml(r, html);
  std::string out;
  renderReport(r, Format::kText, out);
  CHECK(out == text);
  out.clear();
  renderReport(r, Format::kJson, out);
  CHECK(out == json);
  out.clear();
  renderReport(r, Format::kMarkdown, out);
  CHECK(out == md);
  std::ostringstream stream;
  renderReport(r, Format::kHtml, stream);
  CHECK(stream.str() == html);
}

TEST_CASE("text, Markdown and HTML print the key figures identically", "[report]") {
  Report r = test::seedReport();
  const std::vector<std::string> figures = {
      formatBytes(r.findings[0].bytes),                                               // 223.5 GiB
      formatBytes(*r.findings[0].thp_bytes),                                          // 512 MiB
      formatCount(r.findings[0].pages.value()),                                       // 3,661,824
      formatPercent(shareOf(r.findings[0].bytes.value(), r.host.mem_total.value())),  // 88.2%
      formatBytes(r.anon.unexplained),                                                // 223.1 GiB
      formatSignedBytes(r.ledger.residual_bytes),                                     // 2.9 GiB
      formatBytes(r.host.mem_total),                                                  // 253.5 GiB
      formatBytes(r.findings[0].cgroups[0].bytes),                                    // 150 GiB
  };
  CHECK(figures[0] == "223.5 GiB");
  CHECK(figures[3] == "88.2%");
  CHECK(figures[5] == "2.9 GiB");
  for (Format f : {Format::kText, Format::kMarkdown, Format::kHtml}) {
    std::string out;
    renderReport(r, f, out);
    for (const std::string& figure : figures) {
      INFO(formatName(f) << ": " << figure);
      CHECK(out.find(figure) != std::string::npos);
    }
  }
}
