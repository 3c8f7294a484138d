// Finding rules on hand-built bundle data: the thresholds a support engineer relies on when a
// finding is (or is not) raised, without generating a whole system root.
#include <catch2/catch.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/finding_wording.h"

using namespace memsift;
using frames::FrameCategory;

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kGiBPages = (1ull << 30) / kPage;

// A 16 GiB host with a page scan, the v2 cgroups "/", "/live.slice" (one task) and
// "/gone.scope" (no task left), each holding `pages` per category as kpagecgroup charged them.
struct Host {
  analysis::BundleData d;
  std::vector<parse::ParseIssue> issues;

  Host() {
    auto& m = d.texts["proc/meminfo"] = std::make_unique<analysis::TextMember>();
    m->name = "proc/meminfo";
    m->text = "MemTotal:       16777216 kB\nMemFree:         8388608 kB\n";
    parse::IssueSink sink(m->name, issues);
    d.meminfo = parse::parseMeminfo(m->text, sink);
    d.page_size = kPage;
    d.has_page_tables = true;
    d.census.emplace();
    d.census->frames = PageCount(4 * kGiBPages);
    addCgroup("/", 1, 2);
    addCgroup("/live.slice", 100, 1);
    addCgroup("/gone.scope", 200, 0);
    d.page_cgroup_hierarchy = 0;
  }
  void addCgroup(const std::string& path, uint64_t inode, uint64_t tasks) {
    analysis::CgroupData g;
    g.version = 2;
    g.inode = inode;
    g.path = path;
    g.member = "sys/fs/cgroup" + (path == "/" ? "" : path);
    g.tasks = tasks;
    d.inode_index[inode] = d.cgroups.size();
    d.cgroups.push_back(g);
  }
  void charge(uint64_t inode, FrameCategory cat, uint64_t pages) {
    d.census->cgroups[inode][static_cast<size_t>(cat)] += pages;
    d.census->categories[static_cast<size_t>(cat)].pages += PageCount(pages);
  }
  const report::Finding* find(const report::Report& r, const std::string& id) {
    for (const auto& f : r.findings)
      if (f.id == id) return &f;
    return nullptr;
  }
};

TEST_CASE("zombie-memcg: page cache alone left by a finished workload is info, not a warning") {
  Host h;
  h.charge(100, FrameCategory::kFileUnmapped, kGiBPages);  // a live cgroup's cache: not counted
  h.charge(200, FrameCategory::kFileUnmapped, 2 * kGiBPages);
  h.charge(200, FrameCategory::kFileMapped, kGiBPages / 4);
  report::Report r = analysis::analyze(h.d);
  const report::Finding* f = h.find(r, "zombie-memcg");
  REQUIRE(f != nullptr);
  CHECK(f->severity == report::Severity::kInfo);
  CHECK(f->bytes.value() == (2 * kGiBPages + kGiBPages / 4) * kPage);
  REQUIRE(f->cgroups.size() == 1);
  CHECK(f->cgroups[0].path == "/gone.scope");
  CHECK(report::findingWords(r, *f).summary.find("all of it page cache, which reclaim frees") !=
        std::string::npos);
}

TEST_CASE("zombie-memcg: shmem or anonymous memory left behind makes it a warning") {
  Host h;
  h.charge(200, FrameCategory::kFileUnmapped, 2 * kGiBPages);
  h.charge(200, FrameCategory::kShmemUnmapped, kGiBPages / 2);  // 512 MiB: 3% of 16 GiB
  report::Report r = analysis::analyze(h.d);
  const report::Finding* f = h.find(r, "zombie-memcg");
  REQUIRE(f != nullptr);
  CHECK(f->severity == report::Severity::kWarning);
  CHECK(f->bytes.value() == (2 * kGiBPages + kGiBPages / 2) * kPage);
  CHECK(report::findingWords(r, *f).summary.find(
            "2 GiB of it page cache (reclaim frees it) and 512 MiB other memory") !=
        std::string::npos);
}

TEST_CASE("zombie-memcg: below 1% of MemTotal nothing is said") {
  Host h;
  h.charge(200, FrameCategory::kShmemUnmapped, kGiBPages / 128);  // 8 MiB
  report::Report r = analysis::analyze(h.d);
  CHECK(h.find(r, "zombie-memcg") == nullptr);
}

}  // namespace

TEST_CASE("counters-disagree: the live collector's own buffers widen the bound") {
  // A small guest of the kernel lab: the page scan counted the collector's own anonymous buffers
  // on the LRU (10.5 MiB peak RSS), the counters read before and after the scan did not.
  Host h;
  auto& m = *h.d.texts["proc/meminfo"];
  m.text =
      "MemTotal:       16777216 kB\nMemFree:         8388608 kB\n"
      "Active(anon):      51200 kB\nInactive(anon):    51200 kB\nAnonPages:        102400 kB\n";
  parse::IssueSink sink(m.name, h.issues);
  h.d.meminfo = parse::parseMeminfo(m.text, sink);
  h.d.census->lru_anon = PageCount((100ull << 20) / kPage + (9ull << 20) / kPage);
  h.d.bundle_complete = true;  // no frame lost: the whole difference is the scan's
  report::Report r = analysis::analyze(h.d);
  REQUIRE(h.find(r, "counters-disagree") != nullptr);  // 9 MiB apart: over 5% and significant

  h.d.collector_rss = ByteCount(10752ull << 10);
  r = analysis::analyze(h.d);
  CHECK(h.find(r, "counters-disagree") == nullptr);
}
