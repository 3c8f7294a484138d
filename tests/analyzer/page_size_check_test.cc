// A page size the bundle's own counts contradict is the first finding and a limitation (the
// report is partial, exit 4), never a report whose every page-derived figure is silently off.
#include <catch2/catch.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/finding_wording.h"
#include "analyzer/report/wording.h"

using namespace memsift;

namespace {

// The seed incident's shape: an arm64 host of 255 GiB in 64 KiB pages (4,177,920 present pages),
// collected as if its pages were `page_size` bytes.
struct Bundle {
  analysis::BundleData d;
  std::vector<parse::ParseIssue> issues;

  explicit Bundle(uint64_t page_size) {
    d.page_size = page_size;
    d.manifest = {{"host",
                   {{"arch", "aarch64"},
                    {"page_size", page_size},
                    {"page_size_source", "sysconf(_SC_PAGESIZE) on the host collected"}}}};
    d.bundle_complete = d.collection_complete = true;
    add("proc/meminfo", "MemTotal:       267386880 kB\nMemFree:         2097152 kB\n");
    parse::IssueSink m("proc/meminfo", issues);
    d.meminfo = parse::parseMeminfo(d.texts["proc/meminfo"]->text, m);
    add("proc/zoneinfo",
        "Node 0, zone   Normal\n  pages free     32768\n        min      1024\n"
        "        low      2048\n        high     3072\n        spanned  4194304\n"
        "        present  4177920\n        managed  4177920\n");
    parse::IssueSink z("proc/zoneinfo", issues);
    d.zoneinfo = parse::parseZoneinfo(d.texts["proc/zoneinfo"]->text, z);
  }
  void add(const std::string& name, const std::string& text) {
    auto& t = d.texts[name] = std::make_unique<analysis::TextMember>();
    t->name = name;
    t->text = text;
  }
};

TEST_CASE("a page size that MemTotal cannot fit in is the first finding, and the report partial") {
  Bundle b(4096);
  report::Report r = analysis::analyze(b.d);
  REQUIRE_FALSE(r.findings.empty());
  const report::Finding& f = r.findings.front();
  CHECK(f.id == "page-size-mismatch");
  CHECK(f.severity == report::Severity::kCritical);
  const report::FindingWords words = report::findingWords(r, f);
  CHECK(words.summary ==
        "The page size recorded in the bundle (4 KiB) cannot be the system's: the system's own "
        "counts say 64 KiB. Every figure computed from pages below is wrong by the same factor.");
  REQUIRE(words.evidence.size() == 2);
  CHECK(words.evidence[0].source.member == "proc/zoneinfo");
  CHECK(words.evidence[1].text ==
        "page size recorded by the collector: 4 KiB (sysconf(_SC_PAGESIZE) on the host "
        "collected)");
  CHECK(words.next_steps.front().starts_with(
      "Collect again, giving the page size: `memsift-collect --page-size 65536`"));
  CHECK(r.collection.partial);
  REQUIRE_FALSE(r.collection.limitations.empty());
  CHECK(report::limitationText(r.collection.limitations.front()).find("cannot be the system's") !=
        std::string::npos);

  // Too large a page size is caught as well: 64 KiB pages on a 4 KiB host.
  Bundle big(65536);
  big.add("proc/zoneinfo",
          "Node 0, zone   Normal\n  pages free     32768\n        spanned  67108864\n"
          "        present  66846720\n        managed  66846720\n");
  parse::IssueSink z("proc/zoneinfo", big.issues);
  big.d.zoneinfo = parse::parseZoneinfo(big.d.texts["proc/zoneinfo"]->text, z);
  report::Report rb = analysis::analyze(big.d);
  REQUIRE_FALSE(rb.findings.empty());
  CHECK(rb.findings.front().id == "page-size-mismatch");
  CHECK(report::findingWords(rb, rb.findings.front()).summary.find("say 4 KiB") !=
        std::string::npos);
}

TEST_CASE("the page-frame tables' end bounds MemTotal when there is no zoneinfo") {
  Bundle b(4096);
  b.d.zoneinfo.reset();
  b.d.has_page_tables = true;
  b.d.census.emplace();
  b.d.census->frames = PageCount(4194304);
  b.d.census->end_pfn = Pfn(4194304);  // 16 GiB of 4 KiB pages, MemTotal 255 GiB
  report::Report r = analysis::analyze(b.d);
  REQUIRE_FALSE(r.findings.empty());
  CHECK(r.findings.front().id == "page-size-mismatch");
  CHECK(report::findingWords(r, r.findings.front()).evidence.front().text ==
        "the page-frame tables end at PFN 0x400000: at 4 KiB a page, they span 16 GiB, less "
        "than MemTotal 255 GiB");
  // A truncated bundle ends early for another reason: no conclusion about the page size.
  b.d.bundle_complete = false;
  r = analysis::analyze(b.d);
  CHECK((r.findings.empty() || r.findings.front().id != "page-size-mismatch"));
}

TEST_CASE("the right page size raises nothing, and neither does memory managed late") {
  Bundle b(65536);
  report::Report r = analysis::analyze(b.d);
  for (const auto& f : r.findings)
    CHECK(f.id != "page-size-mismatch");
  CHECK(std::none_of(r.collection.limitations.begin(), r.collection.limitations.end(),
                     [](const report::Limitation& l) {
                       return report::limitationText(l).find("page size") != std::string::npos;
                     }));
  // The 6.18 guest this project was developed on: 23.5 GiB MemTotal, 24 GiB present, 4.3 GiB
  // managed (struct pages initialised after boot). Not a page-size problem.
  Bundle guest(4096);
  guest.add("proc/meminfo", "MemTotal:       24683656 kB\nMemFree:        24213476 kB\n");
  parse::IssueSink m("proc/meminfo", guest.issues);
  guest.d.meminfo = parse::parseMeminfo(guest.d.texts["proc/meminfo"]->text, m);
  guest.add("proc/zoneinfo",
            "Node 0, zone   Normal\n  pages free     32768\n        spanned  6291456\n"
            "        present  6291456\n        managed  1137096\n");
  parse::IssueSink z("proc/zoneinfo", guest.issues);
  guest.d.zoneinfo = parse::parseZoneinfo(guest.d.texts["proc/zoneinfo"]->text, z);
  CHECK_FALSE(analysis::checkPageSize(guest.d).has_value());
}

}  // namespace
