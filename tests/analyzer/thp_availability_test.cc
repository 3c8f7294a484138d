// Whether the host offered transparent huge pages at all: the kernel lab's s390x guest (qemu's
// TCG has no EDAT) has no sys/kernel/mm/transparent_hugepage, and the report must say so rather
// than leave the reader looking for THPs.
#include <catch2/catch.hpp>
#include <memory>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/wording.h"

using namespace memsift;

namespace {

analysis::BundleData bundleWithSources(nlohmann::json sources) {
  analysis::BundleData d;
  d.page_size = 4096;
  d.index = {{"sources", std::move(sources)}};
  return d;
}

std::string sentence(const report::Report& r) {
  return report::hostSentence(r.host, [](std::string_view s) { return std::string(s); });
}

}  // namespace

TEST_CASE("thp: a kernel without the transparent_hugepage directory offers no THP") {
  analysis::BundleData d = bundleWithSources(nlohmann::json::array(
      {{{"path", "proc/sys/vm/nr_hugepages"}, {"status", "error"}},
       {{"path", "sys/kernel/mm/transparent_hugepage"}, {"status", "absent"}}}));
  report::Report r = analysis::analyze(d);
  CHECK(r.host.thp == "absent");
  CHECK(sentence(r).find(", no transparent huge pages (the kernel offers none).") !=
        std::string::npos);
}

TEST_CASE("thp: the directory read means THP is there; said nothing about in the sentence") {
  analysis::BundleData d = bundleWithSources(nlohmann::json::array());
  auto& t = d.texts["sys/kernel/mm/transparent_hugepage/enabled"] =
      std::make_unique<analysis::TextMember>();
  t->name = "sys/kernel/mm/transparent_hugepage/enabled";
  t->text = "[always] madvise never\n";
  report::Report r = analysis::analyze(d);
  CHECK(r.host.thp == "present");
  CHECK(sentence(r).find("transparent") == std::string::npos);
}

TEST_CASE("thp: a bundle that does not say (the directory denied, or no index) is unknown") {
  analysis::BundleData denied = bundleWithSources(nlohmann::json::array(
      {{{"path", "sys/kernel/mm/transparent_hugepage"}, {"status", "denied"}}}));
  CHECK(analysis::analyze(denied).host.thp.empty());
  analysis::BundleData none;
  none.page_size = 4096;
  CHECK(analysis::analyze(none).host.thp.empty());
}
