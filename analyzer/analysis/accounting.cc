// The memory ledger (MemTotal split into what the kernel's counters say) and the reconciliation
// of anonymous memory: LRU against mapped against what processes map against the page scan.
// Counter meanings: fs/proc/meminfo.c, Documentation/filesystems/proc.rst.
#include <algorithm>

#include "analyzer/analysis/analyze.h"
#include "common/bundle/members.h"
#include "common/json/json_field.h"

namespace memsift::analysis {

namespace {

using bundle::members::kMeminfo;

using bundle::members::everyProcessMember;

ByteCount meminfoBytes(const BundleData& d, std::string_view key) {
  return d.meminfo ? d.meminfo->get(key).value_or(ByteCount()) : ByteCount();
}

}  // namespace

report::Ledger buildLedger(const BundleData& d) {
  return d.meminfo ? buildLedger(*d.meminfo) : report::Ledger();
}

report::Ledger buildLedger(const parse::Meminfo& m) {
  report::Ledger ledger;
  auto bytes = [&](std::string_view key) { return m.get(key).value_or(ByteCount()); };
  ledger.mem_total = bytes("MemTotal");
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
      {"anon_lru_active", "Anonymous LRU, active (incl. shmem)", "Active(anon)"},
      {"anon_lru_inactive", "Anonymous LRU, inactive (incl. shmem)", "Inactive(anon)"},
      {"file_lru_active", "File LRU, active", "Active(file)"},
      {"file_lru_inactive", "File LRU, inactive", "Inactive(file)"},
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
    auto v = m.get(p.field);
    if (!v) continue;
    ledger.lines.push_back({p.id, p.label, *v, {std::string(kMeminfo), p.field}});
    rest -= static_cast<int64_t>(v->value());
  }
  // Kernel stacks are vmalloc'ed (CONFIG_VMAP_STACK): VmallocUsed already holds KernelStack,
  // so the ledger counts only the rest. (4.4-5.2 kernels print VmallocUsed 0.)
  if (auto vmalloc = m.get("VmallocUsed")) {
    ByteCount v = *vmalloc, stacks = bytes("KernelStack");
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
  if (auto h = m.get("Hugetlb")) {
    hugetlb = *h;
  } else if (auto total = m.count("HugePages_Total")) {
    hugetlb = ByteCount(*total * bytes("Hugepagesize").value());
    hsource.field = "HugePages_Total x Hugepagesize";
  }
  if (hugetlb.value() > 0 || m.get("Hugetlb")) {
    ledger.lines.push_back({"hugetlb", "HugeTLB pool", hugetlb, hsource});
    rest -= static_cast<int64_t>(hugetlb.value());
  }
  ledger.residual_bytes = rest;
  return ledger;
}

std::optional<PageCount> framesLost(const BundleData& d) {
  if (!d.census) return std::nullopt;
  const frames::FrameCensus& c = *d.census;
  // The collector counts the kpageflags frames it wrote (index.json, written last): whatever the
  // scan lacks of them was lost on the way, in gaps or at the end.
  const nlohmann::json& figures = jsonField(d.index, "collection");
  const nlohmann::json& written = jsonField(figures, "page_frames");
  if (written.is_number_unsigned()) {
    uint64_t n = written.get<uint64_t>();
    return PageCount(n > c.frames.value() ? n - c.frames.value() : 0);
  }
  // Without the index (a cut bundle) the gaps are known; what came after the last chunk is
  // known only from the memory layout: its frames at or above the last PFN scanned.
  uint64_t lost = c.missing_frames.value();
  if (d.bundle_complete && d.damage.empty()) return PageCount(lost);
  if (!d.layout.known()) return std::nullopt;
  for (const frames::PfnRange& r : d.layout.ranges()) {
    if (r.end <= c.end_pfn) continue;
    lost += (r.end - std::max(r.start, c.end_pfn)).value();
  }
  return PageCount(lost);
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
    a.sources.push_back({everyProcessMember(bundle::members::kProcStatus), "RssAnon"});
  }
  if (any_pss) {
    a.process_pss_anon = pss_anon;
    a.sources.push_back({everyProcessMember(bundle::members::kProcSmapsRollup), "Pss_Anon"});
  }

  if (d.census) {
    const frames::FrameCensus& c = *d.census;
    a.frames_lru_anon = PageSize(d.page_size).toBytes(c.lru_anon);
    using frames::FrameCategory;
    uint64_t unmapped = c[FrameCategory::kAnonUnmapped].pages.value() +
                        c[FrameCategory::kAnonThpUnmapped].pages.value() +
                        c[FrameCategory::kAnonThpPartlyMapped].unmapped_subpages.value();
    a.frames_anon_unmapped = PageSize(d.page_size).toBytes(PageCount(unmapped));
    a.sources.push_back({"pageframes", "kpageflags, kpagecount"});
    a.frames_lost = framesLost(d);
    a.frames_lost_unknown = !a.frames_lost;
  }

  // Anonymous LRU memory that neither mapped anonymous pages nor shmem explain.
  uint64_t explained = a.anon_pages.value() + a.shmem.value();
  a.unexplained = ByteCount(a.lru_anon.value() > explained ? a.lru_anon.value() - explained : 0);
  a.difference_bytes = static_cast<int64_t>(a.lru_anon.value()) - static_cast<int64_t>(explained);
  if (d.meminfo) a.unevictable = d.meminfo->get("Unevictable");
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

namespace memsift::analysis {

std::optional<report::FreeReconciliation> reconcileFree(const BundleData& d) {
  if (!d.meminfo || !d.zoneinfo || d.zoneinfo->zones.empty()) return std::nullopt;
  const PageSize page(d.page_size);
  report::FreeReconciliation f;
  f.mem_free = meminfoBytes(d, "MemFree");
  f.mem_total = meminfoBytes(d, "MemTotal");
  f.sources = {{std::string(kMeminfo), "MemFree, MemTotal"},
               {std::string(bundle::members::kZoneinfo),
                "pages free, present, managed, start_pfn, spanned"}};
  const frames::FrameCensus* census = d.census ? &*d.census : nullptr;
  const bool by_zone = census && census->zones.size() == d.zoneinfo->zones.size();
  uint64_t present = 0, managed = 0, free = 0;
  for (size_t i = 0; i < d.zoneinfo->zones.size(); ++i) {
    const parse::Zone& z = d.zoneinfo->zones[i];
    if (!z.populated()) continue;
    report::ZoneFree row;
    row.node = static_cast<int>(z.node);
    row.zone = std::string(z.name);
    row.present = z.present;
    row.managed = z.managed;
    row.free = z.free;
    // A zone reaching past the last frame of a cut scan was not scanned whole: no figure.
    const bool scanned = by_zone && (census->zones[i].end <= census->end_pfn ||
                                     (d.bundle_complete && d.damage.empty()));
    if (scanned) {
      const auto& pages = census->zones[i].pages;
      row.frames_free = PageCount(pages[static_cast<size_t>(frames::FrameCategory::kFree)]);
      row.frames_unflagged =
          PageCount(pages[static_cast<size_t>(frames::FrameCategory::kUnflagged)]);
    }
    present += z.present.value();
    managed += z.managed.value();
    free += z.free.value();
    // The zone with the most present-but-unmanaged pages.
    auto unmanaged = [](const report::ZoneFree& x) {
      return x.present > x.managed ? x.present.value() - x.managed.value() : 0;
    };
    if (!f.widest_unmanaged || unmanaged(row) > unmanaged(*f.widest_unmanaged))
      f.widest_unmanaged = row;
    f.zones.push_back(std::move(row));
  }
  f.zones_present = page.toBytes(PageCount(present));
  f.zones_managed = page.toBytes(PageCount(managed));
  f.zones_free = page.toBytes(PageCount(free));
  if (census) {
    f.frames_free = page.toBytes((*census)[frames::FrameCategory::kFree].pages);
    f.frames_unflagged = page.toBytes((*census)[frames::FrameCategory::kUnflagged].pages);
    f.sources.push_back({"pageframes", "free, unflagged"});
  }
  f.free_beyond_zones =
      static_cast<int64_t>(f.mem_free.value()) - static_cast<int64_t>(f.zones_free.value());
  f.total_beyond_managed =
      static_cast<int64_t>(f.mem_total.value()) - static_cast<int64_t>(f.zones_managed.value());

  // What counts as agreement: how far MemFree moved while the collector ran, at least 1% of
  // MemFree or 4 MiB (zoneinfo and meminfo are not read at the same instant).
  uint64_t moved = 0;
  if (d.meminfo_after) {
    uint64_t before = f.mem_free.value();
    uint64_t after = d.meminfo_after->get("MemFree").value_or(f.mem_free).value();
    moved = before > after ? before - after : after - before;
  }
  f.tolerance = ByteCount(std::max({moved, f.mem_free.value() / 100, uint64_t{4} << 20}));
  f.unmanaged = present > managed ? page.toBytes(PageCount(present - managed)) : ByteCount();
  const std::optional<PageCount> lost = framesLost(d);
  f.frames_lost = lost ? std::optional(page.toBytes(*lost)) : std::nullopt;
  return f;
}

}  // namespace memsift::analysis
