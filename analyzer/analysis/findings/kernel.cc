// Findings about the kernel's own memory: unreclaimable slab, an unused hugetlb pool, kernel
// stacks, page tables, vmalloc, memory no counter accounts for, and tables in the wrong byte order.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>
#include "common/json/json_field.h"

namespace memsift::analysis::findings {
namespace {

void meminfoFinding(Context& c, const char* id, const char* field, const char* what,
                    uint64_t percent_threshold, std::vector<std::string> next) {
  auto v = c.meminfo(field);
  if (!v || v->value() * 100 < c.total * percent_threshold) return;
  Finding f;
  f.id = id;
  f.severity = c.severity(v->value());
  f.bytes = *v;
  f.pages = c.page.toPages(*v);
  f.summary = std::string(what) + " use " + formatBytes(*v) + " (" +
              percentOf(v->value(), c.total) + " of MemTotal).";
  f.evidence.push_back({std::string(field) + " " + formatBytes(*v), {"proc/meminfo", field}});
  f.next_steps = std::move(next);
  c.out.push_back(std::move(f));
}

}  // namespace

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
    summary += ", " + formatBytes(c.page.toBytes(caches[0]->pages())) + " of it in " +
               std::string(caches[0]->name) + ".";
  }
  for (size_t i = 0; i < std::min<size_t>(5, caches.size()); ++i) {
    c.out.back().evidence.push_back({"slab cache " + std::string(caches[i]->name) + ": " +
                                         formatBytes(c.page.toBytes(caches[i]->pages())) + " in " +
                                         formatCount(caches[i]->num_slabs) + " slabs, " +
                                         formatCount(caches[i]->active_objs) + " objects",
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
  f.pages = c.page.toPages(f.bytes);
  f.summary = formatCount(*free_pages) + " of " + formatCount(*total_pages) + " HugeTLB pages (" +
              formatBytes(f.bytes) + ", " + percentOf(bytes, c.total) +
              " of MemTotal) are reserved in the pool but unused" +
              (rsvd ? " (" + formatCount(rsvd) + " promised to mappings not yet faulted)" : "") +
              ": the rest of the system cannot use them.";
  f.evidence.push_back({"HugePages_Total " + formatCount(*total_pages) + ", HugePages_Free " +
                            formatCount(*free_pages) + ", HugePages_Rsvd " + formatCount(rsvd) +
                            ", Hugepagesize " + formatBytes(ByteCount(size)),
                        {"proc/meminfo", "HugePages_Total, HugePages_Free, HugePages_Rsvd"}});
  if (c.d.census) {
    const CategoryCensus& cat = (*c.d.census)[FrameCategory::kHugetlbUnmapped];
    f.evidence.push_back({"page scan: " + formatBytes(c.page.toBytes(cat.pages)) +
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
        {formatCount(threads) + " threads in all", {"proc/*/status", "Threads"}});
    std::string& summary = c.out.back().summary;
    summary.pop_back();  // the full stop
    summary += ", for " + formatCount(threads) + " threads";
    if (top) {
      summary += "; pid " + std::to_string(top->pid) + " (" + top->comm + ") has " +
                 formatCount(top->threads) + " of them";
    }
    summary += ".";
    if (top) {
      c.out.back().evidence.push_back(
          {"most threads: pid " + std::to_string(top->pid) + " (" + top->comm + ") with " +
               formatCount(top->threads),
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
    f.pages = c.page.toPages(vmalloc);
    f.summary = "Vmalloc allocations other than kernel stacks use " + formatBytes(vmalloc) + " (" +
                percentOf(vmalloc.value(), c.total) + " of MemTotal).";
    f.evidence.push_back({"VmallocUsed " +
                              formatBytes(c.meminfo("VmallocUsed").value_or(ByteCount())) +
                              " minus KernelStack " + formatBytes(stacks),
                          {"proc/meminfo", "VmallocUsed, KernelStack"}});
    f.next_steps.push_back("Sum /proc/vmallocinfo by caller to find the allocating subsystem.");
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
  f.summary = formatBytes(f.bytes) + " (" + percentOf(f.bytes.value(), c.total) +
              " of MemTotal) is in use but no /proc/meminfo counter accounts for it: pages "
              "allocated directly from the page allocator (drivers, alloc_pages users).";
  f.evidence.push_back({"MemTotal minus every ledger line", {"proc/meminfo", "MemTotal"}});
  if (c.d.census) {
    const CategoryCensus& un = (*c.d.census)[FrameCategory::kUnflagged];
    const CategoryCensus& other = (*c.d.census)[FrameCategory::kOther];
    const CategoryCensus& kernel = (*c.d.census)[FrameCategory::kKernel];
    f.evidence.push_back({"page scan: " + formatBytes(c.page.toBytes(un.pages)) +
                              " without flags, " + formatBytes(c.page.toBytes(kernel.pages)) +
                              " kernel, " + formatBytes(c.page.toBytes(other.pages)) + " other",
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
  f.summary = percentOf(s.undefined_frames, s.flagged_frames) +
              " of the page frames carry flag bits no kernel defines: the page-frame tables are "
              "probably not " +
              (order.empty() ? std::string("in the byte order the bundle names")
                             : std::string(order).append("-endian as the bundle says")) +
              ", so no conclusion is drawn from them.";
  std::string declared = "byte_order ";
  declared.append(order.empty() ? "(none)" : order);
  if (!source.empty()) declared.append(" (from ").append(source).append(")");
  f.evidence.push_back({declared, {"manifest.json", "host.byte_order"}});
  f.evidence.push_back({formatCount(s.undefined_frames) + " of " + formatCount(s.flagged_frames) +
                            " frames with flags have bits 27-31 or 43-63 set",
                        {"pageframes", "kpageflags"}});
  std::string swapped = "byte-swapped, ";
  swapped.append(percentOf(static_cast<uint64_t>(s.swapped_fit * 1000000), 1000000))
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

}  // namespace memsift::analysis::findings
