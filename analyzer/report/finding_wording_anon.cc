// The words of the findings about anonymous memory: unmapped THPs and large folios, unmapped base
// pages, partly mapped THPs, unmapped shmem, and the counters' side of the same question.
#include <cinttypes>
#include <cstdio>

#include "analyzer/report/finding_wording_parts.h"
#include "analyzer/report/wording.h"
#include "common/bundle/members.h"

namespace memsift::report::wording {

namespace members = bundle::members;

namespace {

const std::string kThpSysfs(members::kThpDir);

// "1,536 of 1 MiB, 2,560 of 512 KiB"
std::string sizesList(const std::vector<ThpSize>& sizes) {
  std::string s;
  for (const ThpSize& z : sizes)
    s += (s.empty() ? "" : ", ") + formatCount(z.count) + " of " + formatBytes(z.bytes);
  return s;
}

// How to look at one of the frames with crash(8): `kmem -p` takes a physical address (or a page
// pointer), not a PFN, so the step gives PFN x page size; and where its struct page is, which
// is relative to the vmemmap array of struct page (64 bytes each on the common 64-bit
// configurations) and located differently on each architecture.
std::string crashStep(const Subject& s) {
  const std::string& arch = s.r.host.arch;
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
  const std::string page = formatBytes(ByteCount(s.page.bytes()));
  if (s.f.ranges.empty())
    return "one with crash (`kmem -p PHYSADDR`, the PFN x " + page + "; " + page_struct + ")";
  // The physical address: the frames below this one, in bytes.
  const ByteCount phys_addr = s.page.toBytes(s.f.ranges.front().start - Pfn(0));
  char phys[32];
  std::snprintf(phys, sizeof phys, "%#" PRIx64, phys_addr.value());
  return "the first with crash (`kmem -p " + std::string(phys) + "`: the physical address of PFN " +
         formatPfn(s.f.ranges.front().start) + ", PFN x " + page + "; " + page_struct + ")";
}

// Evidence and next steps every anonymous-leak finding shares: the counters' reconciliation,
// and where to look for what holds the pages.
void leakWords(const Subject& s, const AnonLeakFacts& leak, FindingWords& w) {
  if (!leak.counters) return;
  const Finding& f = s.f;
  const AnonReconciliation& a = s.r.anon;
  w.evidence.push_back(
      {"Active(anon) " + formatBytes(a.active_anon) + " + Inactive(anon) " +
           formatBytes(a.inactive_anon) + " = " + formatBytes(a.lru_anon) +
           " on the anonymous LRU, but AnonPages is " + formatBytes(a.anon_pages) + " and Shmem " +
           formatBytes(a.shmem) + ": " + formatBytes(a.unexplained) + " is not mapped",
       {std::string(members::kMeminfo), "Active(anon), Inactive(anon), AnonPages, Shmem"}});
  if (a.process_rss_anon) {
    std::string text = "all " + formatCount(a.processes) + " processes together map " +
                       formatBytes(*a.process_rss_anon) + " of anonymous memory (sum of RssAnon)";
    if (a.process_pss_anon) text += ", " + formatBytes(*a.process_pss_anon) + " by Pss_Anon";
    w.evidence.push_back({text,
                          {members::everyProcessMember(members::kProcStatus) + ", " +
                               members::everyProcessMember(members::kProcSmapsRollup),
                           "RssAnon, Pss_Anon"}});
  }
  if (a.drift) {
    w.evidence.push_back(
        {driftSentence(*a.drift),
         {std::string(members::kMeminfoAfter), "Active(anon), Inactive(anon), AnonPages"}});
  }
  if (leak.thp_split_page_failed && f.id != "unmapped-anon") {
    w.evidence.push_back({"thp_split_page_failed " + formatCount(*leak.thp_split_page_failed) +
                              ": the kernel tried to split THPs that something else holds",
                          {std::string(members::kVmstat), "thp_split_page_failed"}});
  }
  if (!w.next_steps.empty()) return;
  w.next_steps = {
      "Something holds references to these pages after their last mapping went away: look "
      "in the owning cgroup's workload for pinned memory (vmsplice into pipes, VFIO/RDMA/"
      "DPDK pins, io_uring fixed buffers, vhost) and for a driver that takes page "
      "references (get_user_pages/pin_user_pages) without releasing them.",
      "List the frames with `memsift page-types BUNDLE -b anon,~mmap -l`, then inspect " +
          crashStep(s) + ": _refcount above _mapcount + 1 confirms an extra reference.",
      "Check the kernel's errata for THP reference leaks and the THP split failures; as a "
      "stop-gap, restarting the owning workload or setting THP to madvise reduces exposure."};
  if (f.id == "unmapped-anon") {
    w.next_steps.back() =
        "As a stop-gap, restart the owning workload: pinned pages are freed when the pin is "
        "released, at the latest when the process that took it exits.";
  } else if (f.thp_below_pmd && !f.thp_sizes.empty()) {
    // mTHP sizes have their own switches; the global one does not cover them.
    auto dir = [](const ThpSize& z) {
      return "hugepages-" + std::to_string(z.bytes.value() / 1024) + "kB";
    };
    std::string others;
    for (size_t i = 1; i < f.thp_sizes.size(); ++i)
      others += (i > 1 ? ", " : ", and likewise for ") + dir(f.thp_sizes[i]);
    w.next_steps.back() =
        "Check the kernel's errata for large-folio (mTHP) reference leaks; as a stop-gap, "
        "restart the owning workload, or stop new folios of the affected sizes with `echo "
        "never > /" +
        kThpSysfs + "/" + dir(f.thp_sizes.front()) + "/enabled`" + others +
        " (folios already allocated stay).";
  }
}

void unmappedThp(const Subject& s, const UnmappedThpFacts& t, FindingWords& w) {
  const Finding& f = s.f;
  const uint64_t compounds = f.thp_count.value_or(0);
  const ByteCount one = f.thp_bytes.value_or(ByteCount());
  std::string range;
  if (f.thp_sizes.size() > 1)
    range = formatBytes(f.thp_sizes.back().bytes) + " to " + formatBytes(f.thp_sizes.front().bytes);
  std::string what = "anonymous transparent huge pages";
  if (f.thp_below_pmd) {
    what = "anonymous large folios (mTHP, " + (range.empty() ? formatBytes(one) + " each" : range) +
           ")";
  } else if (!range.empty()) {
    what += " of several sizes (" + range + ")";
  }
  w.summary = formatCount(compounds) + " " + what + " holding " + formatBytes(f.bytes) + " (" +
              s.share(f.bytes.value()) +
              " of MemTotal) are on the LRU lists but no process maps them: a THP leak." +
              whereSentence(f);
  std::string shape = f.thp_sizes.size() == 1
                          ? " compound pages of " + formatBytes(one) + " (" +
                                formatCount(t.frames_per_thp.value()) + " frames each)"
                          : " compound pages (" + sizesList(f.thp_sizes) + ")";
  w.evidence.push_back({"page scan: " + formatCount(compounds) + shape +
                            " whose head is anonymous and on the LRU without the mmap flag, and "
                            "whose every frame has kpagecount 0",
                        {"pageframes", "kpageflags, kpagecount"}});
  if (f.thp_below_pmd) {
    w.evidence.push_back(
        {"every one is smaller than the " + formatBytes(t.pmd) +
             " PMD size: AnonHugePages (meminfo, smaps) counts only PMD-mapped THPs, so these "
             "folios never showed there, even while mapped; KPF_THP marks anonymous large folios "
             "of any order",
         t.pmd_source});
  }
  for (const FolioCount& k : t.kernel_counts) {
    w.evidence.push_back({"the kernel counts " + formatCount(k.all) + " anonymous folios of " +
                              formatBytes(k.size) + "; " + formatCount(k.unmapped) + " of them (" +
                              percentOf(k.unmapped, k.all) + ") are mapped by no process",
                          {k.member, ""}});
  }
  leakWords(s, t.leak, w);
  if (t.leak.suspects) suspectWords(*t.leak.suspects, w);
}

void unmappedAnon(const Subject& s, const UnmappedAnonFacts& t, FindingWords& w) {
  const Finding& f = s.f;
  w.summary = formatCount(f.pages.value()) + " anonymous base pages (" + formatBytes(f.bytes) +
              ", " + s.share(f.bytes.value()) +
              " of MemTotal) are held by the kernel but no process maps them." + whereSentence(f);
  w.evidence.push_back({"page scan: " + formatCount(f.pages.value()) +
                            " frames with the anonymous flag, without mmap, kpagecount 0, not "
                            "part of a compound page",
                        {"pageframes", "kpageflags, kpagecount"}});
  leakWords(s, t.leak, w);
  if (t.leak.suspects) suspectWords(*t.leak.suspects, w);
}

void unexplainedAnon(const Subject& s, const UnexplainedAnonFacts& t, FindingWords& w) {
  const uint64_t gap = s.f.bytes.value();
  w.summary =
      formatBytes(s.f.bytes) + " (" + s.share(gap) +
      " of MemTotal) of anonymous memory is on the LRU lists but is neither mapped "
      "anonymous memory (AnonPages) nor shmem" +
      (t.page_scan
           ? ", and the page scan does not account for it" +
                 std::string(t.lost.value() ? " even if all " + formatBytes(t.lost) +
                                                  " of frames missing from it held such memory."
                                            : ".")
           : ": memory no process maps.");
  if (!t.page_scan) {
    w.next_steps.push_back(
        "Re-run memsift-collect as root so that the page-frame tables are captured: they tell "
        "whether this is unmapped THPs or base pages, which cgroup holds them, and where.");
  }
  leakWords(s, t.leak, w);
}

void partlyMappedThp(const Subject& s, const PartlyMappedThpFacts& t, FindingWords& w) {
  const Finding& f = s.f;
  w.summary = formatCount(f.thp_count.value_or(0)) +
              " anonymous THPs are only partly mapped: " + formatBytes(f.bytes) +
              " of their subpages are mapped by nobody but cannot be freed until the whole THP "
              "is split or unmapped.";
  w.evidence.push_back({"page scan: THPs with kpagecount 0 on " + formatCount(f.pages.value()) +
                            " of " + formatCount(t.thp_frames.value()) + " frames",
                        {"pageframes", "kpagecount"}});
  if (t.deferred_split) {
    w.evidence.push_back({"thp_deferred_split_page " + formatCount(*t.deferred_split),
                          {std::string(members::kVmstat), "thp_deferred_split_page"}});
  }
  w.next_steps.push_back(
      "Partly unmapped THPs wait on the deferred split queue; memory pressure or "
      "`echo 1 > /proc/sys/vm/compact_memory` does not split them. Check "
      "/sys/kernel/mm/transparent_hugepage/shrink_underused (6.12+) and the workload's "
      "madvise(MADV_DONTNEED) pattern on huge-page-backed ranges.");
}

void shmemUnmapped(const Subject& s, const ShmemUnmappedFacts& t, FindingWords& w) {
  const Finding& f = s.f;
  w.summary = formatBytes(f.bytes) + " of shmem/tmpfs memory (" + s.share(f.bytes.value()) +
              " of MemTotal) is mapped by no process: files in tmpfs or /dev/shm, or SysV shared "
              "memory segments nobody attaches." +
              whereSentence(f);
  if (t.shmem)
    w.evidence.push_back(
        {"Shmem " + formatBytes(*t.shmem), {std::string(members::kMeminfo), "Shmem"}});
  w.evidence.push_back({"page scan: " + formatCount(f.pages.value()) +
                            " swap-backed LRU frames that are not anonymous and not mapped",
                        {"pageframes", "kpageflags"}});
  w.next_steps.push_back(
      "Look for large files in tmpfs mounts (`df -t tmpfs`, `du -x /dev/shm /run /tmp`) and "
      "for orphaned SysV segments (`ipcs -m`, nattch 0); deleted-but-open files show in "
      "`lsof +L1`.");
}

void countersDisagree(const Subject& s, const CountersDisagreeFacts& t, FindingWords& w) {
  const AnonReconciliation& a = s.r.anon;
  const ByteCount scanned = a.frames_lru_anon.value_or(ByteCount());
  const bool held = t.held.value() > 0;
  w.summary = "The anonymous LRU counters (" + formatBytes(a.lru_anon) + ") and the page scan (" +
              formatBytes(scanned) + ") disagree by " + formatBytes(t.difference) +
              ", more than the counters moved during collection" +
              (held ? " and more than the " + formatBytes(t.lost) +
                          " of frames missing from the scan could hold."
                    : ".");
  if (held) {
    w.evidence.push_back(
        {formatCount(a.frames_lost.value_or(PageCount()).value()) + " frames (" +
             formatBytes(t.lost) +
             ") are missing from the scan (damage or truncation): the difference is counted net "
             "of " +
             formatBytes(t.held) + " that could be on them",
         {"pageframes", "missing_frames"}});
  }
  w.evidence.push_back({"Active(anon) + Inactive(anon) = " + formatBytes(a.lru_anon),
                        {std::string(members::kMeminfo), "Active(anon), Inactive(anon)"}});
  w.evidence.push_back({"frames with lru and swapbacked, not unevictable: " + formatBytes(scanned),
                        {"pageframes", "kpageflags"}});
  w.next_steps.push_back(
      "Collect again: a large difference that persists means pages are "
      "accounted to the LRU without being on it (or the reverse).");
}

}  // namespace

bool anonWords(const Subject& s, FindingWords& w) {
  const FindingFacts& facts = s.f.facts;
  if (auto* t = std::get_if<UnmappedThpFacts>(&facts)) {
    unmappedThp(s, *t, w);
  } else if (auto* a = std::get_if<UnmappedAnonFacts>(&facts)) {
    unmappedAnon(s, *a, w);
  } else if (auto* u = std::get_if<UnexplainedAnonFacts>(&facts)) {
    unexplainedAnon(s, *u, w);
  } else if (auto* p = std::get_if<PartlyMappedThpFacts>(&facts)) {
    partlyMappedThp(s, *p, w);
  } else if (auto* m = std::get_if<ShmemUnmappedFacts>(&facts)) {
    shmemUnmapped(s, *m, w);
  } else if (auto* c = std::get_if<CountersDisagreeFacts>(&facts)) {
    countersDisagree(s, *c, w);
  } else {
    return false;
  }
  return true;
}

}  // namespace memsift::report::wording
