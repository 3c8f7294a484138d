// Findings about the kernel's own memory: unreclaimable slab, an unused hugetlb pool, kernel
// stacks, page tables, vmalloc, memory no counter accounts for, and tables in the wrong byte order.
// The findings carry figures; report/finding_wording_kernel.cc says them.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>
#include "common/json/json_field.h"

namespace memsift::analysis::findings {
namespace {

// A finding sized by one meminfo counter, when it holds at least `percent_threshold` of MemTotal;
// null otherwise.
Finding* meminfoFinding(Context& c, const char* id, const char* field, uint64_t percent_threshold) {
  auto v = c.meminfo(field);
  if (!v || v->value() * 100 < c.total * percent_threshold) return nullptr;
  Finding f;
  f.id = id;
  f.severity = c.severity(v->value());
  f.bytes = *v;
  f.pages = c.page.toPages(*v);
  c.out.push_back(std::move(f));
  return &c.out.back();
}

}  // namespace

void slabUnreclaimable(Context& c) {
  Finding* f = meminfoFinding(c, "slab-unreclaimable", "SUnreclaim", 10);
  if (!f) return;
  report::SlabFacts facts;
  if (c.d.slabinfo) {
    std::vector<const parse::SlabCache*> caches;
    for (const parse::SlabCache& s : c.d.slabinfo->caches)
      caches.push_back(&s);
    std::sort(caches.begin(), caches.end(),
              [](auto* a, auto* b) { return a->pages() > b->pages(); });
    for (size_t i = 0; i < std::min<size_t>(5, caches.size()); ++i) {
      facts.caches.push_back({std::string(caches[i]->name), c.page.toBytes(caches[i]->pages()),
                              caches[i]->num_slabs, caches[i]->active_objs});
    }
  }
  f->facts = std::move(facts);
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
  f.pages = c.page.toPages(f.bytes);
  report::HugetlbFacts facts{*total_pages, *free_pages, rsvd, ByteCount(size), std::nullopt};
  if (c.d.census) {
    facts.scan_unmapped = c.page.toBytes((*c.d.census)[FrameCategory::kHugetlbUnmapped].pages);
    placeCategories(c, f, {FrameCategory::kHugetlbUnmapped});
  }
  f.facts = facts;
  c.out.push_back(std::move(f));
}

void kernelOverheads(Context& c) {
  if (Finding* f = meminfoFinding(c, "kernel-stacks", "KernelStack", 5)) {
    report::KernelStackFacts facts;
    const ProcessData* top = nullptr;
    for (const ProcessData& p : c.d.processes) {
      facts.threads += p.threads;
      // The bundle lists processes in the host's directory order: ties go to the lower pid.
      if (!top || p.threads > top->threads || (p.threads == top->threads && p.pid < top->pid))
        top = &p;
    }
    if (top) facts.most = report::ThreadOwner{top->pid, top->comm, top->threads};
    f->facts = std::move(facts);
  }
  meminfoFinding(c, "page-tables", "PageTables", 5);
  // Kernel stacks are vmalloc'ed (CONFIG_VMAP_STACK, the default on x86_64 and arm64), so
  // VmallocUsed includes KernelStack: only the rest is vmalloc's own finding.
  const ByteCount used = c.meminfo("VmallocUsed").value_or(ByteCount());
  const ByteCount stacks = c.meminfo("KernelStack").value_or(ByteCount());
  ByteCount vmalloc = used;
  if (vmalloc >= stacks) vmalloc -= stacks;
  if (vmalloc.value() * 100 >= c.total * 10) {
    Finding f;
    f.id = "vmalloc";
    f.severity = c.severity(vmalloc.value());
    f.bytes = vmalloc;
    f.pages = c.page.toPages(vmalloc);
    f.facts = report::VmallocFacts{used, stacks};
    c.out.push_back(std::move(f));
  }
}

void ledgerResidual(Context& c, const report::Report& r) {
  int64_t residual = r.ledger.residual_bytes;
  if (residual <= 0 || static_cast<uint64_t>(residual) * 100 < c.total * 10) return;
  Finding f;
  f.id = "unaccounted-kernel-memory";
  f.bytes = ByteCount(static_cast<uint64_t>(residual));
  f.severity = c.severity(f.bytes.value());
  f.pages = c.page.toPages(f.bytes);
  report::UnaccountedFacts facts;
  if (c.d.census) {
    const frames::FrameCensus& census = *c.d.census;
    facts.scan = report::ScanKernelBytes{c.page.toBytes(census[FrameCategory::kUnflagged].pages),
                                         c.page.toBytes(census[FrameCategory::kKernel].pages),
                                         c.page.toBytes(census[FrameCategory::kOther].pages)};
  }
  f.facts = facts;
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
  Finding f;
  f.id = "byte-order-suspect";
  f.severity = Severity::kCritical;
  f.facts = report::ByteOrderFacts{s.undefined_frames, s.flagged_frames, s.swapped_fit,
                                   field("byte_order"), field("byte_order_source")};
  c.out.insert(c.out.begin(), std::move(f));
}

}  // namespace memsift::analysis::findings
