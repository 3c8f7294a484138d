// The s390x and arm64 16 KiB layouts (see linear_host.h). Facts: arch/s390/include/asm/
// sparsemem.h (SECTION_SIZE_BITS 28), arch/s390/Kconfig (MAX_PAGE_ORDER 10), arch/arm64/include/
// asm/sparsemem.h (SECTION_SIZE_BITS 27 for 4 and 16 KiB pages), arch/arm64/Kconfig
// (ARCH_FORCE_MAX_ORDER 11 with ARM64_16K_PAGES), drivers/base/memory.c (a block per section
// here), ../shared/kernel-facts.md (arm64 RAM at 0x40000000 under qemu 'virt').
#include "testdata/gen/linear_host.h"

#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/host_case.h"

namespace memsift::testgen {

using kpf::bit;

namespace {

// Where memory starts, and how much of it the kernel takes there, per architecture.
struct Linear {
  uint64_t mem_start;   // PFN
  uint64_t kernel;      // pages reserved at mem_start: kernel image, firmware, early allocations
  uint64_t dma_end;     // PFN where ZONE_DMA ends
  uint64_t page_bytes;  // page size
};

Linear linearOf(const Host& h) {
  if (h.facts.arch == "s390x") return {0, 0x4000, 0x80000, 4096};  // 64 MiB kernel, DMA < 2 GiB
  return {0x10000, 0x1000, 0x40000, 16384};  // RAM at 1 GiB; 64 MiB kernel; DMA < 4 GiB
}

uint64_t memmapPages(const Host& h, uint64_t pages) {
  // 64 bytes of struct page per frame, rounded to a PMD so THPs stay aligned.
  const uint64_t pmd = h.layout.pmd_pages;
  uint64_t p = pages * 64 / h.layout.page_size;
  return (p + pmd - 1) / pmd * pmd;
}

void linearLayout(Host& h, uint64_t gib, const Linear& x) {
  Layout& L = h.layout;
  const uint64_t gib_pages = (uint64_t{1} << 30) / x.page_bytes;
  const uint64_t pages = gib * gib_pages;
  const uint64_t end = x.mem_start + pages;
  if (end <= x.dma_end) throw std::logic_error("linear layout: too small");
  L.end_pfn = end;
  L.nodes.clear();
  Node n;
  n.id = 0;
  n.mem = {{x.mem_start, pages}};
  const uint64_t memmap = memmapPages(h, pages);
  n.zones.push_back({"DMA", x.mem_start, x.dma_end - x.mem_start, x.dma_end - x.mem_start,
                     x.dma_end - x.mem_start - x.kernel});
  n.zones.push_back(
      {"Normal", x.dma_end, end - x.dma_end, end - x.dma_end, end - x.dma_end - memmap});
  L.nodes.push_back(n);
}

}  // namespace

void s390xLayout(Host& h, uint64_t gib, int nodes, const std::string& release) {
  if (gib < 4 || nodes != 1) throw std::logic_error("s390x layout: bad size");
  Layout& L = h.layout;
  L.page_size = 4096;
  L.section_pages = 0x10000;  // 256 MiB
  L.block_pages = 0x10000;
  L.max_order = 11;
  L.pmd_pages = kPmdPagesS390;
  L.big_endian = true;
  setKernelFacts(h, "s390x", release, 3456789.12);
  linearLayout(h, gib, linearOf(h));
}

void arm64k16Layout(Host& h, uint64_t gib, int nodes, const std::string& release) {
  if (gib < 4 || nodes != 1) throw std::logic_error("arm64 16k layout: bad size");
  Layout& L = h.layout;
  L.page_size = 16384;
  L.section_pages = 0x2000;  // 128 MiB
  L.block_pages = 0x2000;
  L.max_order = 12;
  L.pmd_pages = kPmdPages16k;
  setKernelFacts(h, "aarch64", release, 567890.12);
  linearLayout(h, gib, linearOf(h));
}

std::vector<Range> linearSegments(const Host& h, int node) {
  const Linear x = linearOf(h);
  const Range& mem = h.layout.nodes[static_cast<size_t>(node)].mem.front();
  const uint64_t start = mem.start + x.kernel;
  return {{start, mem.start + mem.pages - memmapPages(h, mem.pages) - start}};
}

void layLinear(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
               const Kind* free) {
  Kind reserved{.name = "reserved", .cat = Cat::kKernel, .flags = bit(kpf::kReserved)};
  const Node& n = h.layout.nodes.front();
  const Range& mem = n.mem.front();
  const std::vector<Range> segs = linearSegments(h, n.id);
  if (mem.start > 0) e.hole(mem.start);
  e.fixed(reserved, segs[0].start - mem.start, reserved.flags);
  auto parts = splitOverSegments(node_quotas[0], segs, free);
  streamFill(e, segs[0].start + segs[0].pages, parts[0], h.layout.pmd_pages);
  e.fixed(reserved, mem.start + mem.pages - (segs[0].start + segs[0].pages), reserved.flags);
  if (e.tables().pos().value() != h.layout.end_pfn) throw std::logic_error("linear: wrong end");
}

const Platform& s390xPlatform() {
  static const Platform p{&s390xLayout, &linearSegments, &layLinear, 0};
  return p;
}

const Platform& arm64k16Platform() {
  static const Platform p{&arm64k16Layout, &linearSegments, &layLinear, 0};
  return p;
}

}  // namespace memsift::testgen
