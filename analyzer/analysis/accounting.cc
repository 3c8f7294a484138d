// The memory ledger (MemTotal split into what the kernel's counters say) and the reconciliation
// of anonymous memory: LRU against mapped against what processes map against the page scan.
// Counter meanings: fs/proc/meminfo.c, Documentation/filesystems/proc.rst.
#include <algorithm>

#include "analyzer/analysis/analyze.h"

namespace memsift::analysis {

namespace {

constexpr std::string_view kMeminfo = "proc/meminfo";

ByteCount meminfoBytes(const BundleData& d, std::string_view key) {
  return d.meminfo ? d.meminfo->get(key).value_or(ByteCount()) : ByteCount();
}

}  // namespace

report::Ledger buildLedger(const BundleData& d) {
  report::Ledger ledger;
  if (!d.meminfo) return ledger;
  ledger.mem_total = meminfoBytes(d, "MemTotal");
  ledger.mem_total_source = {std::string(kMeminfo), "MemTotal"};
  // Disjoint parts of MemTotal. Shmem, Buffers, Cached and SwapCached are not lines of their own:
  // they live on the LRU lists counted here (shmem on the anon LRU, mm/shmem.c).
  struct Part {
    const char* id;
    const char* label;
    const char* field;
  };
  static constexpr Part kParts[] = {
      {"free", "Free", "MemFree"},
      {"anon_active", "Anonymous LRU, active (incl. shmem)", "Active(anon)"},
      {"anon_inactive", "Anonymous LRU, inactive (incl. shmem)", "Inactive(anon)"},
      {"file_active", "File LRU, active", "Active(file)"},
      {"file_inactive", "File LRU, inactive", "Inactive(file)"},
      {"unevictable", "Unevictable (mlocked, ramfs, ...)", "Unevictable"},
      {"slab_reclaimable", "Slab, reclaimable", "SReclaimable"},
      {"slab_unreclaimable", "Slab, unreclaimable", "SUnreclaim"},
      {"kernel_stack", "Kernel stacks", "KernelStack"},
      {"page_tables", "Page tables", "PageTables"},
      {"secondary_page_tables", "Secondary page tables (KVM, IOMMU)", "SecPageTables"},
      {"percpu", "Per-CPU", "Percpu"},
  };
  int64_t rest = static_cast<int64_t>(ledger.mem_total.value());
  for (const Part& p : kParts) {
    auto v = d.meminfo->get(p.field);
    if (!v) continue;
    ledger.lines.push_back({p.id, p.label, *v, {std::string(kMeminfo), p.field}});
    rest -= static_cast<int64_t>(v->value());
  }
  // Kernel stacks are vmalloc'ed (CONFIG_VMAP_STACK): VmallocUsed already holds KernelStack,
  // so the ledger counts only the rest. (4.4-5.2 kernels print VmallocUsed 0.)
  if (auto vmalloc = d.meminfo->get("VmallocUsed")) {
    ByteCount v = *vmalloc, stacks = meminfoBytes(d, "KernelStack");
    if (v >= stacks) v -= stacks;
    ledger.lines.push_back({"vmalloc",
                            "Vmalloc (other than kernel stacks)",
                            v,
                            {std::string(kMeminfo), "VmallocUsed - KernelStack"}});
    rest -= static_cast<int64_t>(v.value());
  }
  // Hugetlb pages are taken out of the buddy allocator whole: "Hugetlb" (4.16+) counts every
  // size; older kernels only give HugePages_Total x Hugepagesize.
  ByteCount hugetlb;
  report::Source hsource{std::string(kMeminfo), "Hugetlb"};
  if (auto h = d.meminfo->get("Hugetlb")) {
    hugetlb = *h;
  } else if (auto total = d.meminfo->count("HugePages_Total")) {
    hugetlb = ByteCount(*total * meminfoBytes(d, "Hugepagesize").value());
    hsource.field = "HugePages_Total x Hugepagesize";
  }
  if (hugetlb.value() > 0 || d.meminfo->get("Hugetlb")) {
    ledger.lines.push_back({"hugetlb", "HugeTLB pool", hugetlb, hsource});
    rest -= static_cast<int64_t>(hugetlb.value());
  }
  ledger.residual_bytes = rest;
  return ledger;
}

report::AnonReconciliation reconcileAnon(const BundleData& d) {
  report::AnonReconciliation a;
  if (!d.meminfo) return a;
  a.active_anon = meminfoBytes(d, "Active(anon)");
  a.inactive_anon = meminfoBytes(d, "Inactive(anon)");
  a.lru_anon = a.active_anon + a.inactive_anon;
  a.anon_pages = meminfoBytes(d, "AnonPages");
  a.shmem = meminfoBytes(d, "Shmem");
  a.sources = {{std::string(kMeminfo), "Active(anon)"},
               {std::string(kMeminfo), "Inactive(anon)"},
               {std::string(kMeminfo), "AnonPages"},
               {std::string(kMeminfo), "Shmem"}};

  // Per-process sums: RssAnon counts a page once per process mapping it; Pss_Anon divides
  // shared pages (after fork) between their mappers, so it adds up to the mapped total.
  ByteCount rss_anon, pss_anon;
  bool any_status = false, any_pss = false;
  for (const ProcessData& p : d.processes) {
    if (p.kernel_thread) continue;
    if (p.has_status) {
      rss_anon += p.rss_anon;
      any_status = true;
      ++a.processes;
    }
    if (p.has_pss_anon) {
      pss_anon += p.pss_anon;
      any_pss = true;
    }
  }
  if (any_status) {
    a.process_rss_anon = rss_anon;
    a.sources.push_back({"proc/*/status", "RssAnon"});
  }
  if (any_pss) {
    a.process_pss_anon = pss_anon;
    a.sources.push_back({"proc/*/smaps_rollup", "Pss_Anon"});
  }

  if (d.census) {
    const frames::FrameCensus& c = *d.census;
    a.frames_lru_anon = ByteCount(c.lru_anon.value() * d.page_size);
    using frames::FrameCategory;
    uint64_t unmapped = c[FrameCategory::kAnonUnmapped].pages.value() +
                        c[FrameCategory::kAnonThpUnmapped].pages.value() +
                        c[FrameCategory::kAnonThpPartlyMapped].unmapped_subpages.value();
    a.frames_anon_unmapped = ByteCount(unmapped * d.page_size);
    a.sources.push_back({"pageframes", "kpageflags, kpagecount"});
  }

  // Anonymous LRU memory that neither mapped anonymous pages nor shmem explain.
  uint64_t explained = a.anon_pages.value() + a.shmem.value();
  a.unexplained = ByteCount(a.lru_anon.value() > explained ? a.lru_anon.value() - explained : 0);
  uint64_t total = meminfoBytes(d, "MemTotal").value();
  a.unexplained_share =
      total ? static_cast<double>(a.unexplained.value()) / static_cast<double>(total) : 0.0;

  // Counter drift while the page tables were read: the error bound of scan vs counters.
  if (d.meminfo_after) {
    auto delta = [&](std::string_view key) -> uint64_t {
      uint64_t b = meminfoBytes(d, key).value();
      uint64_t e = d.meminfo_after->get(key).value_or(ByteCount(b)).value();
      return b > e ? b - e : e - b;
    };
    a.drift = ByteCount(std::max(
        {delta("Active(anon)") + delta("Inactive(anon)"), delta("AnonPages"), delta("Shmem")}));
  }
  return a;
}

}  // namespace memsift::analysis
