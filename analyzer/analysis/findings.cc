// The findings: each one a conclusion with its size, where it is (cgroups, NUMA nodes, physical
// ranges), the evidence with its sources, and what to do next. Ordered by bytes.
#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/units_format.h"
#include "common/json/json_field.h"

namespace memsift::analysis {

namespace {

using frames::CategoryCensus;
using frames::FrameCategory;
using report::Evidence;
using report::Finding;
using report::Severity;

const std::string kThpSysfs = "sys/kernel/mm/transparent_hugepage";

std::string fmtBytes(ByteCount b) {
  return report::formatBytes(b);
}
std::string fmtCount(uint64_t n) {
  return report::formatCount(n);
}
std::string fmtPercent(uint64_t part, uint64_t total) {
  return report::formatPercent(report::shareOf(part, total));
}

struct Context {
  const BundleData& d;
  uint64_t total;  // MemTotal in bytes (or scanned memory when meminfo is missing)
  uint64_t page;
  std::vector<Finding> out;

  ByteCount pagesToBytes(uint64_t pages) const { return ByteCount(pages * page); }
  std::optional<ByteCount> meminfo(std::string_view key) const {
    return d.meminfo ? d.meminfo->get(key) : std::nullopt;
  }
  std::optional<uint64_t> vmstat(std::string_view key) const {
    return d.vmstat ? d.vmstat->value(key) : std::nullopt;
  }
  // Below this a finding is noise: a few pages in flight on any busy host.
  bool significant(uint64_t bytes) const {
    return bytes >= std::max<uint64_t>(4ull << 20, total / 2000);
  }
  // Critical: most of the memory is there. Warning: enough to matter on any host.
  Severity severity(uint64_t bytes) const {
    if (bytes * 2 >= total) return Severity::kCritical;
    if (bytes * 100 >= total || bytes >= (1ull << 30)) return Severity::kWarning;
    return Severity::kInfo;
  }
  std::string cgroupPath(uint64_t inode) const {
    if (inode == 0) return "(not charged)";
    if (const CgroupData* c = d.cgroupByInode(inode)) return c->path;
    return "@" + std::to_string(inode);
  }
};

// Largest first; equal amounts by path, so that the order does not depend on inode numbers.
void sortByBytes(std::vector<report::CgroupBytes>& v) {
  std::sort(v.begin(), v.end(), [](const report::CgroupBytes& a, const report::CgroupBytes& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
  });
}

// Where a page-scan category is: per cgroup (largest first), per node, physical ranges.
void placeCategories(const Context& c, Finding& f, std::initializer_list<FrameCategory> cats) {
  const frames::FrameCensus& census = *c.d.census;
  for (const auto& [inode, per] : census.cgroups) {
    uint64_t pages = 0;
    for (FrameCategory cat : cats)
      pages += per[static_cast<size_t>(cat)];
    if (pages) f.cgroups.push_back({c.cgroupPath(inode), inode, c.pagesToBytes(pages)});
  }
  sortByBytes(f.cgroups);
  std::vector<uint64_t> nodes;
  uint64_t unknown = 0;
  for (FrameCategory cat : cats) {
    const CategoryCensus& cc = census[cat];
    if (nodes.size() < cc.node_pages.size()) nodes.resize(cc.node_pages.size());
    for (size_t n = 0; n < cc.node_pages.size(); ++n)
      nodes[n] += cc.node_pages[n];
    unknown += cc.unknown_node_pages.value();
    f.range_count += cc.range_count;
    for (const frames::PfnRun& r : cc.ranges) {
      if (f.ranges.size() < CategoryCensus::kMaxRanges) f.ranges.push_back({r.start, r.pages});
    }
  }
  std::sort(f.ranges.begin(), f.ranges.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (nodes[n]) f.nodes.push_back({static_cast<int>(n), c.pagesToBytes(nodes[n])});
  }
  if (unknown) f.nodes.push_back({-1, c.pagesToBytes(unknown)});
}

// A finding about `pages` frames of the page scan's `cat`: id, size, severity and where.
Finding categoryFinding(const Context& c, std::string id, PageCount pages, FrameCategory cat) {
  Finding f;
  f.id = std::move(id);
  f.bytes = ByteCount(pages.value() * c.page);
  f.severity = c.severity(f.bytes.value());
  f.pages = pages;
  placeCategories(c, f, {cat});
  return f;
}

std::string whereSentence(const Finding& f) {
  if (f.cgroups.empty()) return "";
  if (f.cgroups.size() == 1) return " Charged to memory cgroup " + f.cgroups[0].path + ".";
  return " Charged mostly to memory cgroup " + f.cgroups[0].path + " (" +
         fmtBytes(f.cgroups[0].bytes) + ") and " + std::to_string(f.cgroups.size() - 1) + " more.";
}

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
  source = {"proc/meminfo", "Hugepagesize"};
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

// "1,536 of 1 MiB, 2,560 of 512 KiB"
std::string sizesList(const std::vector<report::ThpSize>& sizes) {
  std::string s;
  for (const report::ThpSize& z : sizes)
    s += (s.empty() ? "" : ", ") + fmtCount(z.count) + " of " + fmtBytes(z.bytes);
  return s;
}

void unmappedAnonThp(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonThpUnmapped];
  uint64_t bytes = cat.pages.value() * c.page;
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "unmapped-anon-thp", cat.pages, FrameCategory::kAnonThpUnmapped);
  f.thp_count = cat.compounds;
  f.thp_sizes = thpSizes(c, cat);
  // One THP's size: the most common compound size in the category (ties: the larger).
  const report::ThpSize* common = nullptr;
  for (const report::ThpSize& z : f.thp_sizes)
    if (!common || z.count > common->count) common = &z;
  f.thp_bytes = common ? common->bytes : ByteCount();
  report::Source pmd_source;
  const uint64_t pmd = pmdBytes(c, pmd_source);
  f.thp_below_pmd = pmd > 0 && !f.thp_sizes.empty() && f.thp_sizes.front().bytes.value() < pmd;
  std::string range;
  if (f.thp_sizes.size() > 1)
    range = fmtBytes(f.thp_sizes.back().bytes) + " to " + fmtBytes(f.thp_sizes.front().bytes);
  std::string what = "anonymous transparent huge pages";
  if (f.thp_below_pmd) {
    what = "anonymous large folios (mTHP, " +
           (range.empty() ? fmtBytes(*f.thp_bytes) + " each" : range) + ")";
  } else if (!range.empty()) {
    what += " of several sizes (" + range + ")";
  }
  f.summary = fmtCount(cat.compounds) + " " + what + " holding " + fmtBytes(f.bytes) + " (" +
              fmtPercent(bytes, c.total) +
              " of MemTotal) are on the LRU lists but no process maps them: a THP leak." +
              whereSentence(f);
  std::string shape = f.thp_sizes.size() == 1
                          ? " compound pages of " + fmtBytes(*f.thp_bytes) + " (" +
                                fmtCount(f.thp_bytes->value() / c.page) + " frames each)"
                          : " compound pages (" + sizesList(f.thp_sizes) + ")";
  f.evidence.push_back({"page scan: " + fmtCount(cat.compounds) + shape +
                            " whose head is anonymous and on the LRU without the mmap flag, and "
                            "whose every frame has kpagecount 0",
                        {"pageframes", "kpageflags, kpagecount"}});
  if (f.thp_below_pmd) {
    f.evidence.push_back(
        {"every one is smaller than the " + fmtBytes(ByteCount(pmd)) +
             " PMD size: AnonHugePages (meminfo, smaps) counts only PMD-mapped THPs, so these "
             "folios never showed there, even while mapped; KPF_THP marks anonymous large folios "
             "of any order",
         pmd_source});
  }
  // 6.12+ count the anonymous folios of each size, mapped or not (hugepages-<size>kB/stats).
  for (const report::ThpSize& z : f.thp_sizes) {
    const std::string member =
        kThpSysfs + "/hugepages-" + std::to_string(z.bytes.value() / 1024) + "kB/stats/nr_anon";
    const std::string* text = c.d.text(member);
    uint64_t all = 0;
    if (!text || std::from_chars(text->data(), text->data() + text->size(), all).ec != std::errc())
      continue;
    f.evidence.push_back({"the kernel counts " + fmtCount(all) + " anonymous folios of " +
                              fmtBytes(z.bytes) + "; " + fmtCount(z.count) + " of them (" +
                              fmtPercent(z.count, all) + ") are mapped by no process",
                          {member, ""}});
  }
  c.out.push_back(std::move(f));
}

void unmappedAnon(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonUnmapped];
  uint64_t bytes = cat.pages.value() * c.page;
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "unmapped-anon", cat.pages, FrameCategory::kAnonUnmapped);
  f.summary = fmtCount(cat.pages.value()) + " anonymous base pages (" + fmtBytes(f.bytes) + ", " +
              fmtPercent(bytes, c.total) +
              " of MemTotal) are held by the kernel but no process maps them." + whereSentence(f);
  f.evidence.push_back({"page scan: " + fmtCount(cat.pages.value()) +
                            " frames with the anonymous flag, without mmap, kpagecount 0, not "
                            "part of a compound page",
                        {"pageframes", "kpageflags, kpagecount"}});
  c.out.push_back(std::move(f));
}

void partlyMappedThp(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonThpPartlyMapped];
  uint64_t bytes = cat.unmapped_subpages.value() * c.page;
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "partly-unmapped-thp", cat.unmapped_subpages,
                              FrameCategory::kAnonThpPartlyMapped);
  f.thp_count = cat.compounds;
  f.summary = fmtCount(cat.compounds) +
              " anonymous THPs are only partly mapped: " + fmtBytes(f.bytes) +
              " of their subpages are mapped by nobody but cannot be freed until the whole THP "
              "is split or unmapped.";
  f.evidence.push_back({"page scan: THPs with kpagecount 0 on " +
                            fmtCount(cat.unmapped_subpages.value()) + " of " +
                            fmtCount(cat.pages.value()) + " frames",
                        {"pageframes", "kpagecount"}});
  if (auto v = c.vmstat("thp_deferred_split_page")) {
    f.evidence.push_back(
        {"thp_deferred_split_page " + fmtCount(*v), {"proc/vmstat", "thp_deferred_split_page"}});
  }
  f.next_steps.push_back(
      "Partly unmapped THPs wait on the deferred split queue; memory pressure or "
      "`echo 1 > /proc/sys/vm/compact_memory` does not split them. Check "
      "/sys/kernel/mm/transparent_hugepage/shrink_underused (6.12+) and the workload's "
      "madvise(MADV_DONTNEED) pattern on huge-page-backed ranges.");
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
    lost = a.frames_lost ? a.frames_lost->value() * c.page : 0;
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
  f.pages = ByteCount(gap).value() / c.page ? PageCount(gap / c.page) : PageCount();
  f.summary =
      fmtBytes(ByteCount(gap)) + " (" + fmtPercent(gap, c.total) +
      " of MemTotal) of anonymous memory is on the LRU lists but is neither mapped "
      "anonymous memory (AnonPages) nor shmem" +
      (c.d.census ? ", and the page scan does not account for it" +
                        std::string(lost ? " even if all " + fmtBytes(ByteCount(lost)) +
                                               " of frames missing from it held such memory."
                                         : ".")
                  : ": memory no process maps.");
  if (!c.d.census) {
    f.next_steps.push_back(
        "Re-run memsift-collect as root so that the page-frame tables are captured: they tell "
        "whether this is unmapped THPs or base pages, which cgroup holds them, and where.");
  }
  c.out.push_back(std::move(f));
}

// How to look at one of the frames with crash(8): `kmem -p` takes a physical address (or a page
// pointer), not a PFN, so the step gives PFN x page size; and where its struct page is, which
// is relative to the vmemmap array of struct page (64 bytes each on the common 64-bit
// configurations) and located differently on each architecture.
std::string crashStep(const Context& c, const Finding& f) {
  std::string arch;
  if (const nlohmann::json& host = jsonField(c.d.manifest, "host");
      host.is_object() && jsonField(host, "arch").is_string()) {
    arch = jsonField(host, "arch").get<std::string>();
  }
  std::string vmemmap = "the vmemmap array";
  if (arch == "x86_64") {
    vmemmap = "vmemmap_base (0xffffea0000000000 with 4-level paging unless KASLR moved it)";
  } else if (arch == "aarch64" || arch == "arm64") {
    vmemmap =
        "vmemmap (VMEMMAP_START less one struct page per frame below the start of RAM, "
        "memstart_addr)";
  } else if (arch.starts_with("ppc64")) {
    vmemmap = "the kernel variable vmemmap";
  }
  const std::string page_struct = "its struct page is at " + vmemmap +
                                  " + PFN x sizeof(struct page), 0x40 on common configurations";
  if (f.ranges.empty()) {
    return "one with crash (`kmem -p PHYSADDR`, the PFN x " + fmtBytes(ByteCount(c.page)) + "; " +
           page_struct + ")";
  }
  const uint64_t pfn = f.ranges.front().start.value();
  char phys[32];
  std::snprintf(phys, sizeof phys, "%#" PRIx64, pfn * c.page);
  return "the first with crash (`kmem -p " + std::string(phys) + "`: the physical address of PFN " +
         report::formatPfn(f.ranges.front().start) + ", PFN x " + fmtBytes(ByteCount(c.page)) +
         "; " + page_struct + ")";
}

void addAnonEvidence(Context& c, const report::Report& r) {
  const report::AnonReconciliation& a = r.anon;
  for (Finding& f : c.out) {
    if (f.id != "unmapped-anon-thp" && f.id != "unmapped-anon" &&
        f.id != "unmapped-anon-counters" && f.id != "anon-lru-unexplained") {
      continue;
    }
    f.evidence.push_back({"Active(anon) " + fmtBytes(a.active_anon) + " + Inactive(anon) " +
                              fmtBytes(a.inactive_anon) + " = " + fmtBytes(a.lru_anon) +
                              " on the anonymous LRU, but AnonPages is " + fmtBytes(a.anon_pages) +
                              " and Shmem " + fmtBytes(a.shmem) + ": " + fmtBytes(a.unexplained) +
                              " is not mapped",
                          {"proc/meminfo", "Active(anon), Inactive(anon), AnonPages, Shmem"}});
    if (a.process_rss_anon) {
      std::string text = "all " + fmtCount(a.processes) + " processes together map " +
                         fmtBytes(*a.process_rss_anon) + " of anonymous memory (sum of RssAnon)";
      if (a.process_pss_anon) text += ", " + fmtBytes(*a.process_pss_anon) + " by Pss_Anon";
      f.evidence.push_back({text, {"proc/*/status, proc/*/smaps_rollup", "RssAnon, Pss_Anon"}});
    }
    if (a.drift) {
      f.evidence.push_back({report::driftSentence(*a.drift),
                            {"proc/meminfo.after", "Active(anon), Inactive(anon), AnonPages"}});
    }
    if (auto v = c.vmstat("thp_split_page_failed"); v && *v > 0 && f.id != "unmapped-anon") {
      f.evidence.push_back({"thp_split_page_failed " + fmtCount(*v) +
                                ": the kernel tried to split THPs that something else holds",
                            {"proc/vmstat", "thp_split_page_failed"}});
    }
    if (f.next_steps.empty()) {
      f.next_steps = {
          "Something holds references to these pages after their last mapping went away: look "
          "in the owning cgroup's workload for pinned memory (vmsplice into pipes, VFIO/RDMA/"
          "DPDK pins, io_uring fixed buffers, vhost) and for a driver that takes page "
          "references (get_user_pages/pin_user_pages) without releasing them.",
          "List the frames with `memsift page-types BUNDLE -b anon,~mmap -l`, then inspect " +
              crashStep(c, f) + ": _refcount above _mapcount + 1 confirms an extra reference.",
          "Check the kernel's errata for THP reference leaks and the THP split failures; as a "
          "stop-gap, restarting the owning workload or setting THP to madvise reduces exposure."};
      if (f.id == "unmapped-anon") {
        f.next_steps.back() =
            "As a stop-gap, restart the owning workload: pinned pages are freed when the pin is "
            "released, at the latest when the process that took it exits.";
      } else if (f.thp_below_pmd) {
        // mTHP sizes have their own switches; the global one does not cover them.
        auto dir = [](const report::ThpSize& z) {
          return "hugepages-" + std::to_string(z.bytes.value() / 1024) + "kB";
        };
        std::string others;
        for (size_t i = 1; i < f.thp_sizes.size(); ++i)
          others += (i > 1 ? ", " : ", and likewise for ") + dir(f.thp_sizes[i]);
        f.next_steps.back() =
            "Check the kernel's errata for large-folio (mTHP) reference leaks; as a stop-gap, "
            "restart the owning workload, or stop new folios of the affected sizes with `echo "
            "never > /" +
            kThpSysfs + "/" + dir(f.thp_sizes.front()) + "/enabled`" + others +
            " (folios already allocated stay).";
      }
    }
  }
}

void meminfoFinding(Context& c, const char* id, const char* field, const char* what,
                    uint64_t percent_threshold, std::vector<std::string> next) {
  auto v = c.meminfo(field);
  if (!v || v->value() * 100 < c.total * percent_threshold) return;
  Finding f;
  f.id = id;
  f.severity = c.severity(v->value());
  f.bytes = *v;
  f.pages = PageCount(v->value() / c.page);
  f.summary = std::string(what) + " use " + fmtBytes(*v) + " (" + fmtPercent(v->value(), c.total) +
              " of MemTotal).";
  f.evidence.push_back({std::string(field) + " " + fmtBytes(*v), {"proc/meminfo", field}});
  f.next_steps = std::move(next);
  c.out.push_back(std::move(f));
}

void slabUnreclaimable(Context& c) {
  size_t before = c.out.size();
  meminfoFinding(c, "slab-unreclaimable", "SUnreclaim", "Unreclaimable slab caches", 10,
                 {"Find the growing cache in /proc/slabinfo (largest listed here) and the code "
                  "that allocates from it; `slabtop -s c` on the host, or "
                  "/sys/kernel/slab/CACHE/alloc_calls with slub_debug=U."});
  if (c.out.size() == before || !c.d.slabinfo) return;
  std::vector<const parse::SlabCache*> caches;
  for (const parse::SlabCache& s : c.d.slabinfo->caches)
    caches.push_back(&s);
  std::sort(caches.begin(), caches.end(), [](auto* a, auto* b) { return a->pages() > b->pages(); });
  if (!caches.empty()) {
    std::string& summary = c.out.back().summary;
    summary.pop_back();  // the full stop
    summary += ", " + fmtBytes(ByteCount(caches[0]->pages().value() * c.page)) + " of it in " +
               std::string(caches[0]->name) + ".";
  }
  for (size_t i = 0; i < std::min<size_t>(5, caches.size()); ++i) {
    c.out.back().evidence.push_back({"slab cache " + std::string(caches[i]->name) + ": " +
                                         fmtBytes(ByteCount(caches[i]->pages().value() * c.page)) +
                                         " in " + fmtCount(caches[i]->num_slabs) + " slabs, " +
                                         fmtCount(caches[i]->active_objs) + " objects",
                                     {"proc/slabinfo", std::string(caches[i]->name)}});
  }
}

void hugetlbUnused(Context& c) {
  if (!c.d.meminfo) return;
  auto free_pages = c.d.meminfo->count("HugePages_Free");
  auto total_pages = c.d.meminfo->count("HugePages_Total");
  auto rsvd = c.d.meminfo->count("HugePages_Rsvd").value_or(0);
  uint64_t size = c.meminfo("Hugepagesize").value_or(ByteCount()).value();
  if (!free_pages || !total_pages || *free_pages == 0 || size == 0) return;
  uint64_t bytes = *free_pages * size;
  if (bytes * 100 < c.total * 5) return;
  Finding f;
  f.id = "hugetlb-unused";
  f.severity = c.severity(bytes);
  f.bytes = ByteCount(bytes);
  f.pages = PageCount(bytes / c.page);
  f.summary = fmtCount(*free_pages) + " of " + fmtCount(*total_pages) + " HugeTLB pages (" +
              fmtBytes(f.bytes) + ", " + fmtPercent(bytes, c.total) +
              " of MemTotal) are reserved in the pool but unused" +
              (rsvd ? " (" + fmtCount(rsvd) + " promised to mappings not yet faulted)" : "") +
              ": the rest of the system cannot use them.";
  f.evidence.push_back({"HugePages_Total " + fmtCount(*total_pages) + ", HugePages_Free " +
                            fmtCount(*free_pages) + ", HugePages_Rsvd " + fmtCount(rsvd) +
                            ", Hugepagesize " + fmtBytes(ByteCount(size)),
                        {"proc/meminfo", "HugePages_Total, HugePages_Free, HugePages_Rsvd"}});
  if (c.d.census) {
    const CategoryCensus& cat = (*c.d.census)[FrameCategory::kHugetlbUnmapped];
    f.evidence.push_back({"page scan: " + fmtBytes(ByteCount(cat.pages.value() * c.page)) +
                              " of hugetlb frames are mapped by nobody",
                          {"pageframes", "kpageflags, kpagecount"}});
    placeCategories(c, f, {FrameCategory::kHugetlbUnmapped});
  }
  f.next_steps.push_back(
      "Shrink the pool to what the workloads map (vm.nr_hugepages, or "
      "/sys/kernel/mm/hugepages/hugepages-*/nr_hugepages); check the boot command line "
      "(hugepages=) and whatever sets it at startup.");
  c.out.push_back(std::move(f));
}

void shmemUnmapped(Context& c) {
  if (!c.d.census) return;
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kShmemUnmapped];
  uint64_t bytes = cat.pages.value() * c.page;
  if (bytes * 100 < c.total * 10) return;
  Finding f = categoryFinding(c, "shmem-unmapped", cat.pages, FrameCategory::kShmemUnmapped);
  f.summary = fmtBytes(f.bytes) + " of shmem/tmpfs memory (" + fmtPercent(bytes, c.total) +
              " of MemTotal) is mapped by no process: files in tmpfs or /dev/shm, or SysV shared "
              "memory segments nobody attaches." +
              whereSentence(f);
  if (auto s = c.meminfo("Shmem")) {
    f.evidence.push_back({"Shmem " + fmtBytes(*s), {"proc/meminfo", "Shmem"}});
  }
  f.evidence.push_back({"page scan: " + fmtCount(cat.pages.value()) +
                            " swap-backed LRU frames that are not anonymous and not mapped",
                        {"pageframes", "kpageflags"}});
  f.next_steps.push_back(
      "Look for large files in tmpfs mounts (`df -t tmpfs`, `du -x /dev/shm /run /tmp`) and "
      "for orphaned SysV segments (`ipcs -m`, nattch 0); deleted-but-open files show in "
      "`lsof +L1`.");
  c.out.push_back(std::move(f));
}

void oomKills(Context& c) {
  auto kills = c.vmstat("oom_kill");
  std::vector<std::string> lines;
  std::vector<size_t> line_numbers;  // the evidence's field: "line N" of dev/kmsg
  if (const std::string* kmsg = c.d.text("dev/kmsg")) {
    size_t pos = 0, number = 0;
    while (pos < kmsg->size()) {
      ++number;
      size_t nl = kmsg->find('\n', pos);
      std::string_view line(kmsg->data() + pos,
                            (nl == std::string::npos ? kmsg->size() : nl) - pos);
      pos = nl == std::string::npos ? kmsg->size() : nl + 1;
      if (line.find("Killed process") != std::string_view::npos ||
          line.find("Out of memory") != std::string_view::npos) {
        size_t semi = line.find(';');
        lines.emplace_back(semi == std::string_view::npos ? line : line.substr(semi + 1));
        line_numbers.push_back(number);
      }
    }
  }
  if ((!kills || *kills == 0) && lines.empty()) return;
  Finding f;
  f.id = "oom-kills";
  f.severity = Severity::kWarning;
  uint64_t n = kills.value_or(lines.size());
  f.summary = "The OOM killer ran " + fmtCount(n) + " time" + (n == 1 ? "" : "s") +
              " since boot: memory ran out for real.";
  if (kills) f.evidence.push_back({"oom_kill " + fmtCount(*kills), {"proc/vmstat", "oom_kill"}});
  for (size_t i = 0; i < std::min<size_t>(lines.size(), 10); ++i) {
    f.evidence.push_back({lines[i], {"dev/kmsg", "line " + std::to_string(line_numbers[i])}});
  }
  f.next_steps.push_back(
      "The findings above say where the memory went; the victims are the "
      "symptom, not the cause.");
  c.out.push_back(std::move(f));
}

void thpCompactionFailures(Context& c) {
  auto split_failed = c.vmstat("thp_split_page_failed").value_or(0);
  auto compact_fail = c.vmstat("compact_fail").value_or(0);
  auto compact_stall = c.vmstat("compact_stall").value_or(0);
  if (split_failed < 1000 && (compact_fail == 0 || compact_fail < compact_stall / 2)) return;
  Finding f;
  f.id = "thp-split-compaction-failures";
  f.severity = split_failed >= 1000 ? Severity::kWarning : Severity::kInfo;
  f.summary = "The kernel failed to split THPs " + fmtCount(split_failed) +
              " times and compaction failed " + fmtCount(compact_fail) + " of " +
              fmtCount(compact_stall) + " times: huge pages are pinned or memory is fragmented.";
  for (const char* key :
       {"thp_split_page_failed", "thp_split_page", "thp_deferred_split_page", "compact_stall",
        "compact_fail", "compact_success", "thp_fault_fallback", "thp_collapse_alloc_failed"}) {
    if (auto v = c.vmstat(key))
      f.evidence.push_back({std::string(key) + " " + fmtCount(*v), {"proc/vmstat", key}});
  }
  f.next_steps.push_back(
      "A split fails when a THP has references beyond its mappings (pins): the same cause as "
      "unmapped THPs staying on the LRU. Fragmentation is visible in /proc/buddyinfo.");
  c.out.push_back(std::move(f));
}

void numaImbalance(Context& c) {
  auto hit = c.vmstat("numa_hit").value_or(0);
  auto miss = c.vmstat("numa_miss").value_or(0);
  if (hit + miss == 0 || miss * 100 < (hit + miss) * 2) return;
  Finding f;
  f.id = "numa-miss";
  f.severity = Severity::kInfo;
  f.summary = fmtPercent(miss, hit + miss) +
              " of page allocations could not be served from the preferred NUMA node: one node "
              "ran short while others had memory.";
  f.evidence.push_back({"numa_hit " + fmtCount(hit) + ", numa_miss " + fmtCount(miss),
                        {"proc/vmstat", "numa_hit, numa_miss"}});
  if (c.d.zoneinfo) {
    for (const parse::NodeStats& n : c.d.zoneinfo->nodes) {
      uint64_t free_pages = 0;
      for (const parse::Zone& z : c.d.zoneinfo->zones) {
        if (z.node == n.node) free_pages += z.free.value();
      }
      f.evidence.push_back({"node " + std::to_string(n.node) + ": " +
                                fmtBytes(ByteCount(free_pages * c.page)) + " free",
                            {"proc/zoneinfo", "pages free"}});
    }
  }
  c.out.push_back(std::move(f));
}

void kernelOverheads(Context& c) {
  meminfoFinding(c, "kernel-stacks", "KernelStack", "Kernel stacks", 5,
                 {"Count threads per process (Threads: in /proc/PID/status) and find the process "
                  "that spawns them; every thread costs a kernel stack (16 KiB on x86_64)."});
  if (!c.out.empty() && c.out.back().id == "kernel-stacks") {
    uint64_t threads = 0;
    const ProcessData* top = nullptr;
    for (const ProcessData& p : c.d.processes) {
      threads += p.threads;
      // The bundle lists processes in the host's directory order: ties go to the lower pid.
      if (!top || p.threads > top->threads || (p.threads == top->threads && p.pid < top->pid))
        top = &p;
    }
    c.out.back().evidence.push_back(
        {fmtCount(threads) + " threads in all", {"proc/*/status", "Threads"}});
    std::string& summary = c.out.back().summary;
    summary.pop_back();  // the full stop
    summary += ", for " + fmtCount(threads) + " threads";
    if (top) {
      summary += "; pid " + std::to_string(top->pid) + " (" + top->comm + ") has " +
                 fmtCount(top->threads) + " of them";
    }
    summary += ".";
    if (top) {
      c.out.back().evidence.push_back(
          {"most threads: pid " + std::to_string(top->pid) + " (" + top->comm + ") with " +
               fmtCount(top->threads),
           {"proc/" + std::to_string(top->pid) + "/status", "Threads"}});
    }
  }
  meminfoFinding(c, "page-tables", "PageTables", "Page tables", 5,
                 {"Large page tables come from many processes mapping much memory with small "
                  "pages: use huge pages for big shared mappings, or fewer processes."});
  // Kernel stacks are vmalloc'ed (CONFIG_VMAP_STACK, the default on x86_64 and arm64), so
  // VmallocUsed includes KernelStack: only the rest is vmalloc's own finding.
  ByteCount vmalloc = c.meminfo("VmallocUsed").value_or(ByteCount());
  ByteCount stacks = c.meminfo("KernelStack").value_or(ByteCount());
  if (vmalloc >= stacks) vmalloc -= stacks;
  if (vmalloc.value() * 100 >= c.total * 10) {
    Finding f;
    f.id = "vmalloc";
    f.severity = c.severity(vmalloc.value());
    f.bytes = vmalloc;
    f.pages = PageCount(vmalloc.value() / c.page);
    f.summary = "Vmalloc allocations other than kernel stacks use " + fmtBytes(vmalloc) + " (" +
                fmtPercent(vmalloc.value(), c.total) + " of MemTotal).";
    f.evidence.push_back({"VmallocUsed " +
                              fmtBytes(c.meminfo("VmallocUsed").value_or(ByteCount())) +
                              " minus KernelStack " + fmtBytes(stacks),
                          {"proc/meminfo", "VmallocUsed, KernelStack"}});
    f.next_steps.push_back("Sum /proc/vmallocinfo by caller to find the allocating subsystem.");
    c.out.push_back(std::move(f));
  }
}

// Pages whose charge outlived the tasks that made it. With the page scan: frames charged
// directly to a cgroup without tasks of its own (v2 forbids tasks in inner cgroups, so there they
// can only come from removed descendants: kpagecgroup reports a removed cgroup's nearest live
// ancestor, mm/memcontrol.c) or to an inode no longer in the tree. Without it: cgroups whose whole
// subtree has no task but whose usage is large.
void zombieCgroups(Context& c) {
  bool scan = c.d.census && c.d.census->anyCgroups();
  // What counts against a cgroup without tasks, and how much of it is page cache: clean page
  // cache of a finished workload is what every systemd host carries and reclaim frees at the
  // first pressure, so it alone never makes this more than info.
  struct Charged {
    uint64_t pages = 0;
    uint64_t page_cache = 0;
  };
  auto chargedFrames = [&](const frames::CategoryPages& per) {
    Charged ch;
    for (size_t k = 0; k < per.size(); ++k) {
      auto cat = static_cast<FrameCategory>(k);
      // Unmapped anonymous memory is a finding of its own wherever it is charged.
      if (cat == FrameCategory::kAnonUnmapped || cat == FrameCategory::kAnonThpUnmapped ||
          cat == FrameCategory::kAnonThpPartlyMapped || cat == FrameCategory::kFree) {
        continue;
      }
      ch.pages += per[k];
      if (cat == FrameCategory::kFileMapped || cat == FrameCategory::kFileUnmapped) {
        ch.page_cache += per[k];
      }
    }
    return ch;
  };
  std::vector<report::CgroupBytes> where;
  uint64_t bytes = 0;
  std::optional<uint64_t> page_cache_bytes;  // known from the page scan only
  if (scan) {
    page_cache_bytes = 0;
    for (const auto& [inode, per] : c.d.census->cgroups) {
      if (inode == 0) continue;
      const CgroupData* g = c.d.cgroupByInode(inode);
      if (g && (g->path == "/" || !g->tasks || *g->tasks > 0)) continue;
      Charged ch = chargedFrames(per);
      if (ch.pages == 0) continue;
      where.push_back(
          {g ? g->path : "@" + std::to_string(inode), inode, ByteCount(ch.pages * c.page)});
      bytes += ch.pages * c.page;
      *page_cache_bytes += ch.page_cache * c.page;
    }
  } else {
    for (const CgroupData& g : c.d.cgroups) {
      if (!g.tasks || !g.usage || g.path == "/" || c.d.cgroupByInode(g.inode) != &g) continue;
      uint64_t subtree_tasks = 0;
      for (const CgroupData& h : c.d.cgroups) {
        if (h.hierarchy == g.hierarchy && (h.path == g.path || h.path.starts_with(g.path + "/"))) {
          subtree_tasks += h.tasks.value_or(0);
        }
      }
      bool inside = false;  // nested empty cgroups: the outermost speaks for them
      for (const auto& w : where)
        inside |= g.path.starts_with(w.path + "/");
      if (subtree_tasks > 0 || inside) continue;
      where.push_back({g.path, g.inode, *g.usage});
      bytes += g.usage->value();
    }
  }
  if (bytes * 100 < c.total || !c.significant(bytes)) return;
  sortByBytes(where);
  Finding f;
  f.id = "zombie-memcg";
  f.bytes = ByteCount(bytes);
  f.pages = PageCount(bytes / c.page);
  f.cgroups = where;
  f.summary = fmtBytes(f.bytes) + " (" + fmtPercent(bytes, c.total) +
              " of MemTotal) is charged to memory cgroups without tasks: memory of removed or "
              "finished workloads that nobody reclaimed";
  if (page_cache_bytes) {
    uint64_t pinned = bytes - *page_cache_bytes;
    f.severity = c.significant(pinned) ? c.severity(pinned) : Severity::kInfo;
    if (pinned == 0) {
      f.summary += ", all of it page cache, which reclaim frees";
    } else {
      f.summary += ", " + fmtBytes(ByteCount(*page_cache_bytes)) +
                   " of it page cache (reclaim frees it) and " + fmtBytes(ByteCount(pinned)) +
                   " other memory (shmem, anonymous, kernel) that stays until it is freed";
    }
  } else {
    f.severity = c.severity(bytes);
  }
  f.summary += ". Largest: " + where.front().path + " (" + fmtBytes(where.front().bytes) + ").";
  for (const auto& w : where) {
    const CgroupData* g = c.d.cgroupByInode(w.inode);
    std::string what = !g ? "inode " + std::to_string(w.inode) + " is no longer in the hierarchy"
                          : w.path + " has no task of its own";
    f.evidence.push_back(
        {what + "; " + fmtBytes(w.bytes) + " charged to it" +
             (scan ? " (page scan)" : " (usage of a subtree without tasks)"),
         {scan ? "pageframes" : g->member, scan ? "kpagecgroup" : "cgroup.procs"}});
    if (f.evidence.size() >= 10) break;
  }
  f.next_steps.push_back(
      "Removed cgroups stay as offline (dying) memcgs while pages are charged to them: see "
      "nr_dying_descendants in cgroup.stat (v2). Reclaim returns page cache; on v2 `echo N > "
      "memory.reclaim` in the ancestor, on v1 memory.force_empty in an empty cgroup.");
  c.out.push_back(std::move(f));
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
  const uint64_t lost = r.anon.frames_lost ? r.anon.frames_lost->value() * c.page : 0;
  const uint64_t held = counted > scanned ? std::min(diff, lost) : 0;
  const uint64_t raw = diff;
  diff -= held;
  if (diff <= bound || !c.significant(diff)) return;
  Finding f;
  f.id = "counters-disagree";
  f.severity = Severity::kWarning;
  f.bytes = ByteCount(diff);
  f.pages = PageCount(diff / c.page);
  f.summary = "The anonymous LRU counters (" + fmtBytes(r.anon.lru_anon) + ") and the page scan (" +
              fmtBytes(*r.anon.frames_lru_anon) + ") disagree by " + fmtBytes(ByteCount(raw)) +
              ", more than the counters moved during collection" +
              (held ? " and more than the " + fmtBytes(ByteCount(lost)) +
                          " of frames missing from the scan could hold."
                    : ".");
  if (held) {
    f.evidence.push_back({fmtCount(r.anon.frames_lost->value()) + " frames (" +
                              fmtBytes(ByteCount(lost)) +
                              ") are missing from the scan (damage or truncation): the difference "
                              "is counted net of " +
                              fmtBytes(ByteCount(held)) + " that could be on them",
                          {"pageframes", "missing_frames"}});
  }
  f.evidence.push_back({"Active(anon) + Inactive(anon) = " + fmtBytes(r.anon.lru_anon),
                        {"proc/meminfo", "Active(anon), Inactive(anon)"}});
  f.evidence.push_back(
      {"frames with lru and swapbacked, not unevictable: " + fmtBytes(*r.anon.frames_lru_anon),
       {"pageframes", "kpageflags"}});
  f.next_steps.push_back(
      "Collect again: a large difference that persists means pages are "
      "accounted to the LRU without being on it (or the reverse).");
  c.out.push_back(std::move(f));
}

void ledgerResidual(Context& c, const report::Report& r) {
  int64_t residual = r.ledger.residual_bytes;
  if (residual <= 0 || static_cast<uint64_t>(residual) * 100 < c.total * 10) return;
  Finding f;
  f.id = "unaccounted-kernel-memory";
  f.bytes = ByteCount(static_cast<uint64_t>(residual));
  f.severity = c.severity(f.bytes.value());
  f.pages = PageCount(f.bytes.value() / c.page);
  f.summary = fmtBytes(f.bytes) + " (" + fmtPercent(f.bytes.value(), c.total) +
              " of MemTotal) is in use but no /proc/meminfo counter accounts for it: pages "
              "allocated directly from the page allocator (drivers, alloc_pages users).";
  f.evidence.push_back({"MemTotal minus every ledger line", {"proc/meminfo", "MemTotal"}});
  if (c.d.census) {
    const CategoryCensus& un = (*c.d.census)[FrameCategory::kUnflagged];
    const CategoryCensus& other = (*c.d.census)[FrameCategory::kOther];
    const CategoryCensus& kernel = (*c.d.census)[FrameCategory::kKernel];
    f.evidence.push_back({"page scan: " + fmtBytes(ByteCount(un.pages.value() * c.page)) +
                              " without flags, " +
                              fmtBytes(ByteCount(kernel.pages.value() * c.page)) + " kernel, " +
                              fmtBytes(ByteCount(other.pages.value() * c.page)) + " other",
                          {"pageframes", "kpageflags"}});
  }
  f.next_steps.push_back(
      "Check drivers with large DMA or buffer pools (GPU, RDMA, network "
      "rings), and /proc/vmallocinfo; page_owner (page_owner=on) names the "
      "allocating call sites.");
  c.out.push_back(std::move(f));
}

// The page-frame tables read as noise (frames::byteOrderSuspect()): said first, because every
// frame-based finding is withheld for it.
void byteOrderSuspect(Context& c) {
  const frames::ByteOrderSuspect& s = *c.d.byte_order_suspect;
  const nlohmann::json& host = jsonField(c.d.manifest, "host");
  auto field = [&](const char* key) {
    const nlohmann::json& v = jsonField(host, key);
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  const std::string order = field("byte_order"), source = field("byte_order_source");
  const std::string other = order == "big" ? "little" : "big";
  Finding f;
  f.id = "byte-order-suspect";
  f.severity = Severity::kCritical;
  f.summary = fmtPercent(s.undefined_frames, s.flagged_frames) +
              " of the page frames carry flag bits no kernel defines: the page-frame tables are "
              "probably not " +
              (order.empty() ? std::string("in the byte order the bundle names")
                             : std::string(order).append("-endian as the bundle says")) +
              ", so no conclusion is drawn from them.";
  std::string declared = "byte_order ";
  declared.append(order.empty() ? "(none)" : order);
  if (!source.empty()) declared.append(" (from ").append(source).append(")");
  f.evidence.push_back({declared, {"manifest.json", "host.byte_order"}});
  f.evidence.push_back({fmtCount(s.undefined_frames) + " of " + fmtCount(s.flagged_frames) +
                            " frames with flags have bits 27-31 or 43-63 set",
                        {"pageframes", "kpageflags"}});
  std::string swapped = "byte-swapped, ";
  swapped.append(fmtPercent(static_cast<uint64_t>(s.swapped_fit * 1000000), 1000000))
      .append(" of the frames checked would carry only defined bits");
  f.evidence.push_back({swapped, {"pageframes", "kpageflags"}});
  if (source == "this machine") {
    f.next_steps.push_back(
        "The collector read a live kernel's tables in their own byte order: these are not "
        "kpageflags as the kernel writes them. Please report this bundle.");
  } else {
    f.next_steps.push_back(
        "Collect the tree again stating its byte order: memsift-collect --root "
        "DIR --byte-order " +
        other +
        " (s390x and ppc64 are big-endian; x86_64, aarch64 and ppc64le "
        "little-endian).");
  }
  c.out.insert(c.out.begin(), std::move(f));
}

}  // namespace

std::vector<report::Finding> findFindings(const BundleData& d, const report::Report& r) {
  uint64_t total = r.host.mem_total.value();
  if (total == 0 && d.census) total = (d.census->frames.value()) * d.page_size;
  Context c{d, std::max<uint64_t>(total, 1), d.page_size, {}};
  if (d.census) {
    unmappedAnonThp(c);
    unmappedAnon(c);
    partlyMappedThp(c);
    shmemUnmapped(c);
    zombieCgroups(c);
    countersDisagree(c, r);
  }
  if (d.meminfo) {
    unexplainedAnonLru(c, r);
    addAnonEvidence(c, r);
    slabUnreclaimable(c);
    hugetlbUnused(c);
    kernelOverheads(c);
    ledgerResidual(c, r);
  }
  oomKills(c);
  thpCompactionFailures(c);
  numaImbalance(c);
  // Largest first; findings without a size (events) after those with one, by severity.
  std::stable_sort(c.out.begin(), c.out.end(), [](const Finding& a, const Finding& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    return static_cast<int>(a.severity) > static_cast<int>(b.severity);
  });
  if (d.byte_order_suspect) byteOrderSuspect(c);
  return std::move(c.out);
}

}  // namespace memsift::analysis
