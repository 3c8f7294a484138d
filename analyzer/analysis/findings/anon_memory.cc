// Findings about anonymous memory: THPs, large folios and base pages on the LRU that no process
// maps, partly mapped THPs, unmapped shmem, and the counters' side of the same question.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include "analyzer/report/wording.h"
#include "common/json/json_field.h"

namespace memsift::analysis::findings {
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
    s += (s.empty() ? "" : ", ") + formatCount(z.count) + " of " + formatBytes(z.bytes);
  return s;
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
    return "one with crash (`kmem -p PHYSADDR`, the PFN x " +
           formatBytes(ByteCount(c.page.bytes())) + "; " + page_struct + ")";
  }
  // The physical address: the frames below this one, in bytes.
  const ByteCount phys_addr = c.page.toBytes(f.ranges.front().start - Pfn(0));
  char phys[32];
  std::snprintf(phys, sizeof phys, "%#" PRIx64, phys_addr.value());
  return "the first with crash (`kmem -p " + std::string(phys) + "`: the physical address of PFN " +
         formatPfn(f.ranges.front().start) + ", PFN x " + formatBytes(ByteCount(c.page.bytes())) +
         "; " + page_struct + ")";
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
  report::Source pmd_source;
  const uint64_t pmd = pmdBytes(c, pmd_source);
  f.thp_below_pmd = pmd > 0 && !f.thp_sizes.empty() && f.thp_sizes.front().bytes.value() < pmd;
  std::string range;
  if (f.thp_sizes.size() > 1)
    range = formatBytes(f.thp_sizes.back().bytes) + " to " + formatBytes(f.thp_sizes.front().bytes);
  std::string what = "anonymous transparent huge pages";
  if (f.thp_below_pmd) {
    what = "anonymous large folios (mTHP, " +
           (range.empty() ? formatBytes(*f.thp_bytes) + " each" : range) + ")";
  } else if (!range.empty()) {
    what += " of several sizes (" + range + ")";
  }
  f.summary = formatCount(cat.compounds) + " " + what + " holding " + formatBytes(f.bytes) + " (" +
              percentOf(bytes, c.total) +
              " of MemTotal) are on the LRU lists but no process maps them: a THP leak." +
              whereSentence(f);
  std::string shape = f.thp_sizes.size() == 1
                          ? " compound pages of " + formatBytes(*f.thp_bytes) + " (" +
                                formatCount(c.page.toPages(*f.thp_bytes).value()) + " frames each)"
                          : " compound pages (" + sizesList(f.thp_sizes) + ")";
  f.evidence.push_back({"page scan: " + formatCount(cat.compounds) + shape +
                            " whose head is anonymous and on the LRU without the mmap flag, and "
                            "whose every frame has kpagecount 0",
                        {"pageframes", "kpageflags, kpagecount"}});
  if (f.thp_below_pmd) {
    f.evidence.push_back(
        {"every one is smaller than the " + formatBytes(ByteCount(pmd)) +
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
    f.evidence.push_back({"the kernel counts " + formatCount(all) + " anonymous folios of " +
                              formatBytes(z.bytes) + "; " + formatCount(z.count) + " of them (" +
                              percentOf(z.count, all) + ") are mapped by no process",
                          {member, ""}});
  }
  c.out.push_back(std::move(f));
}

void unmappedAnon(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonUnmapped];
  uint64_t bytes = c.page.toBytes(cat.pages).value();
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "unmapped-anon", cat.pages, FrameCategory::kAnonUnmapped);
  f.summary = formatCount(cat.pages.value()) + " anonymous base pages (" + formatBytes(f.bytes) +
              ", " + percentOf(bytes, c.total) +
              " of MemTotal) are held by the kernel but no process maps them." + whereSentence(f);
  f.evidence.push_back({"page scan: " + formatCount(cat.pages.value()) +
                            " frames with the anonymous flag, without mmap, kpagecount 0, not "
                            "part of a compound page",
                        {"pageframes", "kpageflags, kpagecount"}});
  c.out.push_back(std::move(f));
}

void partlyMappedThp(Context& c) {
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kAnonThpPartlyMapped];
  uint64_t bytes = c.page.toBytes(cat.unmapped_subpages).value();
  if (!c.significant(bytes)) return;
  Finding f = categoryFinding(c, "partly-unmapped-thp", cat.unmapped_subpages,
                              FrameCategory::kAnonThpPartlyMapped);
  f.thp_count = cat.compounds;
  f.summary = formatCount(cat.compounds) +
              " anonymous THPs are only partly mapped: " + formatBytes(f.bytes) +
              " of their subpages are mapped by nobody but cannot be freed until the whole THP "
              "is split or unmapped.";
  f.evidence.push_back({"page scan: THPs with kpagecount 0 on " +
                            formatCount(cat.unmapped_subpages.value()) + " of " +
                            formatCount(cat.pages.value()) + " frames",
                        {"pageframes", "kpagecount"}});
  if (auto v = c.vmstat("thp_deferred_split_page")) {
    f.evidence.push_back(
        {"thp_deferred_split_page " + formatCount(*v), {"proc/vmstat", "thp_deferred_split_page"}});
  }
  f.next_steps.push_back(
      "Partly unmapped THPs wait on the deferred split queue; memory pressure or "
      "`echo 1 > /proc/sys/vm/compact_memory` does not split them. Check "
      "/sys/kernel/mm/transparent_hugepage/shrink_underused (6.12+) and the workload's "
      "madvise(MADV_DONTNEED) pattern on huge-page-backed ranges.");
  c.out.push_back(std::move(f));
}

void shmemUnmapped(Context& c) {
  if (!c.d.census) return;
  const CategoryCensus& cat = (*c.d.census)[FrameCategory::kShmemUnmapped];
  uint64_t bytes = c.page.toBytes(cat.pages).value();
  if (bytes * 100 < c.total * 10) return;
  Finding f = categoryFinding(c, "shmem-unmapped", cat.pages, FrameCategory::kShmemUnmapped);
  f.summary = formatBytes(f.bytes) + " of shmem/tmpfs memory (" + percentOf(bytes, c.total) +
              " of MemTotal) is mapped by no process: files in tmpfs or /dev/shm, or SysV shared "
              "memory segments nobody attaches." +
              whereSentence(f);
  if (auto s = c.meminfo("Shmem")) {
    f.evidence.push_back({"Shmem " + formatBytes(*s), {"proc/meminfo", "Shmem"}});
  }
  f.evidence.push_back({"page scan: " + formatCount(cat.pages.value()) +
                            " swap-backed LRU frames that are not anonymous and not mapped",
                        {"pageframes", "kpageflags"}});
  f.next_steps.push_back(
      "Look for large files in tmpfs mounts (`df -t tmpfs`, `du -x /dev/shm /run /tmp`) and "
      "for orphaned SysV segments (`ipcs -m`, nattch 0); deleted-but-open files show in "
      "`lsof +L1`.");
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
  f.summary =
      formatBytes(ByteCount(gap)) + " (" + percentOf(gap, c.total) +
      " of MemTotal) of anonymous memory is on the LRU lists but is neither mapped "
      "anonymous memory (AnonPages) nor shmem" +
      (c.d.census ? ", and the page scan does not account for it" +
                        std::string(lost ? " even if all " + formatBytes(ByteCount(lost)) +
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

void addAnonEvidence(Context& c, const report::Report& r) {
  const report::AnonReconciliation& a = r.anon;
  for (Finding& f : c.out) {
    if (f.id != "unmapped-anon-thp" && f.id != "unmapped-anon" &&
        f.id != "unmapped-anon-counters" && f.id != "anon-lru-unexplained") {
      continue;
    }
    f.evidence.push_back({"Active(anon) " + formatBytes(a.active_anon) + " + Inactive(anon) " +
                              formatBytes(a.inactive_anon) + " = " + formatBytes(a.lru_anon) +
                              " on the anonymous LRU, but AnonPages is " +
                              formatBytes(a.anon_pages) + " and Shmem " + formatBytes(a.shmem) +
                              ": " + formatBytes(a.unexplained) + " is not mapped",
                          {"proc/meminfo", "Active(anon), Inactive(anon), AnonPages, Shmem"}});
    if (a.process_rss_anon) {
      std::string text = "all " + formatCount(a.processes) + " processes together map " +
                         formatBytes(*a.process_rss_anon) + " of anonymous memory (sum of RssAnon)";
      if (a.process_pss_anon) text += ", " + formatBytes(*a.process_pss_anon) + " by Pss_Anon";
      f.evidence.push_back({text, {"proc/*/status, proc/*/smaps_rollup", "RssAnon, Pss_Anon"}});
    }
    if (a.drift) {
      f.evidence.push_back({report::driftSentence(*a.drift),
                            {"proc/meminfo.after", "Active(anon), Inactive(anon), AnonPages"}});
    }
    if (auto v = c.vmstat("thp_split_page_failed"); v && *v > 0 && f.id != "unmapped-anon") {
      f.evidence.push_back({"thp_split_page_failed " + formatCount(*v) +
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
  f.summary = "The anonymous LRU counters (" + formatBytes(r.anon.lru_anon) +
              ") and the page scan (" + formatBytes(*r.anon.frames_lru_anon) + ") disagree by " +
              formatBytes(ByteCount(raw)) + ", more than the counters moved during collection" +
              (held ? " and more than the " + formatBytes(ByteCount(lost)) +
                          " of frames missing from the scan could hold."
                    : ".");
  if (held) {
    f.evidence.push_back({formatCount(r.anon.frames_lost->value()) + " frames (" +
                              formatBytes(ByteCount(lost)) +
                              ") are missing from the scan (damage or truncation): the difference "
                              "is counted net of " +
                              formatBytes(ByteCount(held)) + " that could be on them",
                          {"pageframes", "missing_frames"}});
  }
  f.evidence.push_back({"Active(anon) + Inactive(anon) = " + formatBytes(r.anon.lru_anon),
                        {"proc/meminfo", "Active(anon), Inactive(anon)"}});
  f.evidence.push_back(
      {"frames with lru and swapbacked, not unevictable: " + formatBytes(*r.anon.frames_lru_anon),
       {"pageframes", "kpageflags"}});
  f.next_steps.push_back(
      "Collect again: a large difference that persists means pages are "
      "accounted to the LRU without being on it (or the reverse).");
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
