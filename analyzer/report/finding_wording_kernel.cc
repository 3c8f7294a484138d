// The words of the findings about the kernel's own memory (unreclaimable slab, kernel stacks,
// page tables, vmalloc, an unused hugetlb pool, memory no counter accounts for) and about the
// bundle's page-frame tables themselves (wrong byte order, wrong page size).
#include "analyzer/report/finding_wording_parts.h"
#include "common/bundle/members.h"

namespace memsift::report::wording {

namespace members = bundle::members;

namespace {

// "Kernel stacks use 1.2 GiB (3.1% of MemTotal)" and the meminfo counter as evidence; the caller
// ends the sentence.
void counterWords(const Subject& s, const char* what, const char* field, FindingWords& w) {
  w.summary = std::string(what) + " use " + formatBytes(s.f.bytes) + " (" +
              s.share(s.f.bytes.value()) + " of MemTotal)";
  w.evidence.push_back(
      {std::string(field) + " " + formatBytes(s.f.bytes), {std::string(members::kMeminfo), field}});
}

void slab(const Subject& s, const SlabFacts& t, FindingWords& w) {
  counterWords(s, "Unreclaimable slab caches", "SUnreclaim", w);
  if (!t.caches.empty()) {
    w.summary += ", " + formatBytes(t.caches[0].bytes) + " of it in " + t.caches[0].name;
  }
  w.summary += ".";
  for (const SlabCache& c : t.caches) {
    w.evidence.push_back({"slab cache " + c.name + ": " + formatBytes(c.bytes) + " in " +
                              formatCount(c.slabs) + " slabs, " + formatCount(c.objects) +
                              " objects",
                          {std::string(members::kSlabinfo), c.name}});
  }
  w.next_steps.push_back(
      "Find the growing cache in /proc/slabinfo (largest listed here) and the code that "
      "allocates from it; `slabtop -s c` on the host, or /sys/kernel/slab/CACHE/alloc_calls with "
      "slub_debug=U.");
}

void kernelStacks(const Subject& s, const KernelStackFacts& t, FindingWords& w) {
  counterWords(s, "Kernel stacks", "KernelStack", w);
  w.evidence.push_back({formatCount(t.threads) + " threads in all",
                        {members::everyProcessMember(members::kProcStatus), "Threads"}});
  w.summary += ", for " + formatCount(t.threads) + " threads";
  if (t.most) {
    const std::string pid = std::to_string(t.most->pid);
    w.summary +=
        "; pid " + pid + " (" + t.most->comm + ") has " + formatCount(t.most->threads) + " of them";
    w.evidence.push_back({"most threads: pid " + pid + " (" + t.most->comm + ") with " +
                              formatCount(t.most->threads),
                          {members::processMember(t.most->pid, members::kProcStatus), "Threads"}});
  }
  w.summary += ".";
  w.next_steps.push_back(
      "Count threads per process (Threads: in /proc/PID/status) and find the process that spawns "
      "them; every thread costs a kernel stack (16 KiB on x86_64).");
}

void pageTables(const Subject& s, FindingWords& w) {
  counterWords(s, "Page tables", "PageTables", w);
  w.summary += ".";
  w.next_steps.push_back(
      "Large page tables come from many processes mapping much memory with small pages: use huge "
      "pages for big shared mappings, or fewer processes.");
}

void vmalloc(const Subject& s, const VmallocFacts& t, FindingWords& w) {
  w.summary = "Vmalloc allocations other than kernel stacks use " + formatBytes(s.f.bytes) + " (" +
              s.share(s.f.bytes.value()) + " of MemTotal).";
  w.evidence.push_back(
      {"VmallocUsed " + formatBytes(t.used) + " minus KernelStack " + formatBytes(t.stacks),
       {std::string(members::kMeminfo), "VmallocUsed, KernelStack"}});
  w.next_steps.push_back("Sum /proc/vmallocinfo by caller to find the allocating subsystem.");
}

void hugetlb(const Subject& s, const HugetlbFacts& t, FindingWords& w) {
  w.summary =
      formatCount(t.free) + " of " + formatCount(t.total) + " HugeTLB pages (" +
      formatBytes(s.f.bytes) + ", " + s.share(s.f.bytes.value()) +
      " of MemTotal) are reserved in the pool but unused" +
      (t.reserved ? " (" + formatCount(t.reserved) + " promised to mappings not yet faulted)"
                  : "") +
      ": the rest of the system cannot use them.";
  w.evidence.push_back(
      {"HugePages_Total " + formatCount(t.total) + ", HugePages_Free " + formatCount(t.free) +
           ", HugePages_Rsvd " + formatCount(t.reserved) + ", Hugepagesize " + formatBytes(t.page),
       {std::string(members::kMeminfo), "HugePages_Total, HugePages_Free, HugePages_Rsvd"}});
  if (t.scan_unmapped) {
    w.evidence.push_back(
        {"page scan: " + formatBytes(*t.scan_unmapped) + " of hugetlb frames are mapped by nobody",
         {"pageframes", "kpageflags, kpagecount"}});
  }
  w.next_steps.push_back(
      "Shrink the pool to what the workloads map (vm.nr_hugepages, or "
      "/sys/kernel/mm/hugepages/hugepages-*/nr_hugepages); check the boot command line "
      "(hugepages=) and whatever sets it at startup.");
}

void unaccounted(const Subject& s, const UnaccountedFacts& t, FindingWords& w) {
  w.summary = formatBytes(s.f.bytes) + " (" + s.share(s.f.bytes.value()) +
              " of MemTotal) is in use but no /proc/meminfo counter accounts for it: pages "
              "allocated directly from the page allocator (drivers, alloc_pages users).";
  w.evidence.push_back(
      {"MemTotal minus every ledger line", {std::string(members::kMeminfo), "MemTotal"}});
  if (t.scan) {
    w.evidence.push_back({"page scan: " + formatBytes(t.scan->unflagged) + " without flags, " +
                              formatBytes(t.scan->kernel) + " kernel, " +
                              formatBytes(t.scan->other) + " other",
                          {"pageframes", "kpageflags"}});
  }
  w.next_steps.push_back(
      "Check drivers with large DMA or buffer pools (GPU, RDMA, network rings), and "
      "/proc/vmallocinfo; page_owner (page_owner=on) names the allocating call sites.");
}

void byteOrder(const ByteOrderFacts& t, FindingWords& w) {
  w.summary = percentOf(t.undefined_frames, t.flagged_frames) +
              " of the page frames carry flag bits no kernel defines: the page-frame tables are "
              "probably not " +
              (t.order.empty() ? std::string("in the byte order the bundle names")
                               : std::string(t.order).append("-endian as the bundle says")) +
              ", so no conclusion is drawn from them.";
  std::string declared = "byte_order ";
  declared.append(t.order.empty() ? "(none)" : t.order);
  if (!t.source.empty()) declared.append(" (from ").append(t.source).append(")");
  w.evidence.push_back({declared, {"manifest.json", "host.byte_order"}});
  w.evidence.push_back({formatCount(t.undefined_frames) + " of " + formatCount(t.flagged_frames) +
                            " frames with flags have bits 27-31 or 43-63 set",
                        {"pageframes", "kpageflags"}});
  std::string swapped = "byte-swapped, ";
  swapped.append(percentOf(static_cast<uint64_t>(t.swapped_fit * 1000000), 1000000))
      .append(" of the frames checked would carry only defined bits");
  w.evidence.push_back({swapped, {"pageframes", "kpageflags"}});
  if (t.source == "this machine") {
    w.next_steps.push_back(
        "The collector read a live kernel's tables in their own byte order: these are not "
        "kpageflags as the kernel writes them. Please report this bundle.");
  } else {
    w.next_steps.push_back(
        "Collect the tree again stating its byte order: memsift-collect --root DIR --byte-order " +
        std::string(t.order == "big" ? "little" : "big") +
        " (s390x and ppc64 are big-endian; x86_64, aarch64 and ppc64le little-endian).");
  }
}

void pageSize(const PageSizeFacts& t, FindingWords& w) {
  const std::string recorded = formatPageSize(t.recorded);
  w.summary = "The page size recorded in the bundle (" + recorded +
              ") cannot be the system's: the system's own counts say " + formatPageSize(t.likely) +
              ". Every figure computed from pages below is wrong by the same factor.";
  if (t.zones_present) {
    const uint64_t present = *t.zones_present;
    w.evidence.push_back(
        {"the zones hold " + formatCount(present) + " present pages, which at " + recorded +
             " each are " + formatBytes(ByteCount(present * t.recorded)) + ", but MemTotal is " +
             formatBytes(t.mem_total) + "; pages of " + formatPageSize(t.likely) + " would fit",
         {std::string(members::kZoneinfo), "present"}});
  }
  if (t.tables_end) {
    w.evidence.push_back({"the page-frame tables end at PFN " + formatPfn(*t.tables_end) + ": at " +
                              recorded + " a page, they span " +
                              formatBytes(ByteCount(t.tables_end->value() * t.recorded)) +
                              ", less than MemTotal " + formatBytes(t.mem_total),
                          {"pageframes", "kpageflags"}});
  }
  w.evidence.push_back({"page size recorded by the collector: " + recordedPageSize(t),
                        {"manifest.json", "host.page_size"}});
  w.next_steps.push_back("Collect again, giving the page size: `memsift-collect --page-size " +
                         std::to_string(t.likely) +
                         "` (memsift-collect takes it from the system it reads unless told; "
                         "a --root replay needs it when the tree does not say it).");
}

}  // namespace

std::string recordedPageSize(const PageSizeFacts& t) {
  return formatPageSize(t.recorded) + " (" +
         (t.recorded_source.empty()
              ? std::string("source not recorded by the collector that wrote the bundle")
              : t.recorded_source) +
         ")";
}

bool kernelWords(const Subject& s, FindingWords& w) {
  const FindingFacts& facts = s.f.facts;
  if (auto* slab_facts = std::get_if<SlabFacts>(&facts)) {
    slab(s, *slab_facts, w);
  } else if (auto* k = std::get_if<KernelStackFacts>(&facts)) {
    kernelStacks(s, *k, w);
  } else if (s.f.id == "page-tables") {
    pageTables(s, w);
  } else if (auto* v = std::get_if<VmallocFacts>(&facts)) {
    vmalloc(s, *v, w);
  } else if (auto* h = std::get_if<HugetlbFacts>(&facts)) {
    hugetlb(s, *h, w);
  } else if (auto* u = std::get_if<UnaccountedFacts>(&facts)) {
    unaccounted(s, *u, w);
  } else if (auto* b = std::get_if<ByteOrderFacts>(&facts)) {
    byteOrder(*b, w);
  } else if (auto* p = std::get_if<PageSizeFacts>(&facts)) {
    pageSize(*p, w);
  } else if (auto* i = std::get_if<CountersImpossibleFacts>(&facts)) {
    countersImpossibleWords(*i, w);
  } else {
    return false;
  }
  return true;
}

}  // namespace memsift::report::wording
