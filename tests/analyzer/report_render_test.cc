// The format dispatcher, and the promise that every human format prints a figure the same way.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/json_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/render.h"
#include "analyzer/report/text_renderer.h"
#include "analyzer/report/wording.h"
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

TEST_CASE("a leak of folios of several sizes shows every size, the same way in each format",
          "[report]") {
  Report r = test::seedReport();
  test::setMthpLeak(r);
  std::string text, md, html, json;
  renderText(r, text);
  renderMarkdown(r, md);
  renderHtml(r, html);
  renderJson(r, json);
  CHECK(text.find("  9,728 large folios (mTHP): 1,536 x 1 MiB, 2,560 x 512 KiB, 5,632 x 256 KiB "
                  "= 4.1 GiB, 67,584 pages\n") != std::string::npos);
  CHECK(md.find("**How much.** 9,728 large folios (mTHP): 1,536 × 1 MiB, 2,560 × 512 KiB, "
                "5,632 × 256 KiB = **4.1 GiB**") != std::string::npos);
  CHECK(html.find("= 9,728 large folios (mTHP): 1,536 × 1 MiB, 2,560 × 512 KiB, 5,632 × 256 "
                  "KiB, ") != std::string::npos);
  const nlohmann::json f = nlohmann::json::parse(json)["findings"][0];
  CHECK(f["thp_sizes"] == nlohmann::json::parse(R"([{"bytes": 1048576, "count": 1536},
      {"bytes": 524288, "count": 2560}, {"bytes": 262144, "count": 5632}])"));
  CHECK(f["thp_below_pmd"] == true);
  CHECK(f["thp_count"] == 9728);
  // One size at the PMD size: the classic wording.
  std::string seed;
  renderText(test::seedReport(), seed);
  CHECK(seed.find("  447 THPs x 512 MiB = 223.5 GiB, 3,661,824 pages\n") != std::string::npos);
}

TEST_CASE("commands in next steps are code in Markdown and HTML, plain in text", "[report]") {
  Report r = test::seedReport();
  std::string text, md, html;
  renderText(r, text);
  renderMarkdown(r, md);
  renderHtml(r, html);
  // PFN 0x10000 of 64 KiB pages is at physical address 0x100000000.
  CHECK(md.find("inspect the first with crash (`kmem -p 0x100000000`: the physical address") !=
        std::string::npos);
  CHECK(md.find("\\`") == std::string::npos);
  CHECK(html.find("inspect the first with crash (<code>kmem -p 0x100000000</code>: the physical") !=
        std::string::npos);
  CHECK(text.find("`kmem -p 0x100000000`") != std::string::npos);
  // An unpaired backtick stays text, escaped in Markdown.
  CHECK(codeSpans("a `b` c `d").size() == 3);
  CHECK(codeSpans("a `b` c `d")[2].text == " c `d");
}
