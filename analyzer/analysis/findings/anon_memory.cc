// Findings about anonymous memory: THPs, large folios and base pages on the LRU that no process
// maps, partly mapped THPs, unmapped shmem, and the counters' side of the same question. The
// findings carry figures; report/finding_wording_anon.cc says them.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>
#include <charconv>

#include "analyzer/analysis/pin_evidence.h"
#include "common/bundle/members.h"

namespace memsift::analysis::findings {

namespace members = bundle::members;

namespace {

// The PMD size, which tells traditional THPs from multi-size THP (mTHP) large folios: the
// kernel's own hpage_pmd_size, else Hugepagesize (the default hugetlb size, which is the PMD
// size on x86_64, arm64 and ppc64 alike); 0 when the bundle has neither. `source` says which.
uint64_t pmdBytes(const Context& c, report::Source& source) {
  source = {kThpSysfs + "/hpage_pmd_size", ""};
  if (const std::string* s = c.d.text(source.member)) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc() && v > 0) return v;
  }
  source = {std::string(members::kMeminfo), "Hugepagesize"};
  return c.meminfo("Hugepagesize").value_or(ByteCount()).value();
}

// A category's compound pages by size, largest first.
std::vector<report::ThpSize> thpSizes(const Context& c, const CategoryCensus& cat) {
  std::vector<report::ThpSize> out;
  for (const auto& [pages, count] : cat.compound_sizes)
    out.push_back({c.pagesToBytes(pages), count});
  std::sort(out.begin(), out.end(),
            [](const report::ThpSize& a, const report::ThpSize& b) { return a.bytes > b.bytes; });
  return out;
}

// Suspects named in a finding: enough to act on; the pins section lists every holder.
constexpr size_t kMaxSuspects = 5;

// Who may hold a finding's pages: processes of its cgroups that pin, then any elsewhere with
// io_uring buffers they no longer map or VFIO devices (analysis/pin_evidence.h).
report::PinSuspects suspectsOf(const Context& c, const Finding& f) {
  std::vector<std::string> paths;
  for (const report::CgroupBytes& g : f.cgroups)
    paths.push_back(g.path);
  report::PinSuspects s = pinSuspects(c.d, paths);
  if (s.holders.size() > kMaxSuspects) s.holders.resize(kMaxSuspects);
  return s;
}

}  // namespace

void unmappedAnonThp(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonThpUnmapped];
  uint64_t bytes = c.page.toBytes(cat.pages).value();
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "unmapped-anon-thp", cat.pages, FrameCategory::kAnonThpUnmapped);
  f.thp_count = cat.compounds;
  f.thp_sizes = thpSizes(c, cat);
  // One THP's size: the most common compound size in the category (ties: the larger).
  const report::ThpSize* common = nullptr;
  for (const report::ThpSize& z : f.thp_sizes)
    if (!common || z.count > common->count) common = &z;
  f.thp_bytes = common ? common->bytes : ByteCount();
  report::UnmappedThpFacts facts;
  if (f.thp_sizes.size() == 1) facts.frames_per_thp = c.page.toPages(*f.thp_bytes);
  facts.pmd = ByteCount(pmdBytes(c, facts.pmd_source));
  f.thp_below_pmd =
      facts.pmd.value() > 0 && !f.thp_sizes.empty() && f.thp_sizes.front().bytes < facts.pmd;
  // 6.12+ count the anonymous folios of each size, mapped or not (hugepages-<size>kB/stats).
  for (const report::ThpSize& z : f.thp_sizes) {
    std::string member =
        kThpSysfs + "/hugepages-" + std::to_string(z.bytes.value() / 1024) + "kB/stats/nr_anon";
    const std::string* text = c.d.text(member);
    uint64_t all = 0;
    if (!text || std::from_chars(text->data(), text->data() + text->size(), all).ec != std::errc())
      continue;
    facts.kernel_counts.push_back({z.bytes, z.count, all, std::move(member)});
  }
  facts.leak.suspects = suspectsOf(c, f);
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

void unmappedAnon(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonUnmapped];
  uint64_t bytes = c.page.toBytes(cat.pages).value();
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "unmapped-anon", cat.pages, FrameCategory::kAnonUnmapped);
  report::UnmappedAnonFacts facts;
  facts.leak.suspects = suspectsOf(c, f);
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

void partlyMappedThp(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonThpPartlyMapped];
  uint64_t bytes = c.page.toBytes(cat.unmapped_subpages).value();
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "partly-unmapped-thp", cat.unmapped_subpages,
                              FrameCategory::kAnonThpPartlyMapped);
  f.thp_count = cat.compounds;
  f.facts = report::PartlyMappedThpFacts{cat.pages, c.vmstat("thp_deferred_split_page")};
  c.out.push_back(std::move(f));
}

void shmemUnmapped(Context& c) {
  if (!c.d.census) return;
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kShmemUnmapped];
  uint64_t bytes = c.page.toBytes(cat.pages).value();
  if (bytes * 100 < c.total * 10) return;
  Finding f = categoryFinding(c, "shmem-unmapped", cat.pages, FrameCategory::kShmemUnmapped);
  f.facts = report::ShmemUnmappedFacts{c.meminfo("Shmem")};
  c.out.push_back(std::move(f));
}

// The counters' version of the anonymous leak, for bundles without page tables, or when the page
// scan does not explain the gap.
void unexplainedAnonLru(Context& c, const report::Report& r) {
  const report::AnonReconciliation& a = r.anon;
  uint64_t gap = a.unexplained.value();
  uint64_t scan = a.frames_anon_unmapped ? a.frames_anon_unmapped->value() : 0;
  uint64_t lost = 0;
  if (c.d.census) {
    // A scan with an unknown number of frames missing cannot tell what it did not see.
    if (a.frames_lost_unknown) return;
    // Frames lost to damage may hold unmapped anonymous memory the scan did not see.
    lost = a.frames_lost ? c.page.toBytes(*a.frames_lost).value() : 0;
    // The scan found the unmapped memory itself: the counters only corroborate it.
    uint64_t bound = std::max<uint64_t>(gap / 10, a.drift ? a.drift->value() * 2 : 0);
    if (gap <= scan + lost + bound) return;
    gap -= scan + lost;
  }
  if (!c.significant(gap)) return;
  Finding f;
  f.id = c.d.census ? "anon-lru-unexplained" : "unmapped-anon-counters";
  f.severity = c.severity(gap);
  f.bytes = ByteCount(gap);
  f.pages = c.page.toPages(f.bytes);
  report::UnexplainedAnonFacts facts;
  facts.page_scan = c.d.census.has_value();
  facts.lost = ByteCount(lost);
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

void markAnonLeaks(Context& c) {
  std::optional<uint64_t> split_failed = c.vmstat("thp_split_page_failed");
  if (split_failed == 0u) split_failed.reset();
  for (Finding& f : c.out) {
    report::AnonLeakFacts* leak = nullptr;
    if (auto* t = std::get_if<report::UnmappedThpFacts>(&f.facts)) leak = &t->leak;
    if (auto* a = std::get_if<report::UnmappedAnonFacts>(&f.facts)) leak = &a->leak;
    if (auto* u = std::get_if<report::UnexplainedAnonFacts>(&f.facts)) leak = &u->leak;
    if (!leak) continue;
    leak->counters = true;
    leak->thp_split_page_failed = split_failed;
  }
}

void countersDisagree(Context& c, const report::Report& r) {
  if (!c.d.census || !r.anon.frames_lru_anon) return;
  // With frames missing from the scan in unknown number, any shortfall may be on them.
  if (r.anon.frames_lost_unknown) return;
  uint64_t counted = r.anon.lru_anon.value(), scanned = r.anon.frames_lru_anon->value();
  uint64_t diff = counted > scanned ? counted - scanned : scanned - counted;
  uint64_t bound = std::max<uint64_t>(counted / 20, r.anon.drift ? r.anon.drift->value() * 2 : 0);
  // The collector's own buffers were anonymous LRU memory while it read the tables (a small guest
  // showed 8 MiB of difference from a collector of 10.5 MiB peak RSS).
  if (c.d.collector_rss) bound += c.d.collector_rss->value();
  // Frames lost to damage or truncation were not scanned: when the scan falls short, they may
  // hold the difference, up to their size; only what they cannot hold is a disagreement.
  const uint64_t lost = r.anon.frames_lost ? c.page.toBytes(*r.anon.frames_lost).value() : 0;
  const uint64_t held = counted > scanned ? std::min(diff, lost) : 0;
  const uint64_t raw = diff;
  diff -= held;
  if (diff <= bound || !c.significant(diff)) return;
  Finding f;
  f.id = "counters-disagree";
  f.severity = Severity::kWarning;
  f.bytes = ByteCount(diff);
  f.pages = c.page.toPages(f.bytes);
  f.facts = report::CountersDisagreeFacts{ByteCount(raw), ByteCount(lost), ByteCount(held)};
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
