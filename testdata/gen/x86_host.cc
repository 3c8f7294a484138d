// The x86_64 layout (see x86_host.h). Facts: arch/x86 e820 (the legacy hole below 1 MiB and the
// PCI hole below 4 GiB), mm/mm_init.c (in-section holes get reserved struct pages,
// init_unavailable_range()), drivers/base/memory.c (blocks exist only where memory is).
#include "testdata/gen/x86_host.h"

#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/host_case.h"

namespace memsift::testgen {

using kpf::bit;

namespace {
constexpr uint64_t kLowEnd = 0xC0000;                 // 3 GiB: the PCI hole starts here
constexpr uint64_t kHighStart = 0x100000;             // 4 GiB
constexpr uint64_t kKernelEnd = 0x5000;               // kernel image at 16 MiB, 64 MiB of it
constexpr uint64_t kLowReserved = 0x100;              // the first MiB
constexpr uint64_t kLowFree = 0x1000 - kLowReserved;  // the rest of ZONE_DMA: free
uint64_t memmapPages(uint64_t node_pages) {
  // 64 bytes of struct page per 4 KiB frame, rounded to a PMD so THPs stay aligned.
  uint64_t p = node_pages / 64;
  return (p + kPmdPages4k - 1) / kPmdPages4k * kPmdPages4k;
}
}  // namespace

void x86Layout(Host& h, uint64_t gib, int nodes, const std::string& release) {
  if (gib < 8 || (nodes != 1 && nodes != 2)) throw std::logic_error("x86 layout: bad size");
  Layout& L = h.layout;
  L.page_size = 4096;
  L.section_pages = 0x8000;  // SECTION_SIZE_BITS 27: 128 MiB
  L.max_order = 11;
  L.pmd_pages = kPmdPages4k;
  const uint64_t end = (gib + 1) * kGiBPages4k;
  L.end_pfn = end;  // max_pfn, already a whole section
  // Large hosts use larger memory blocks (arch/x86/mm/init_64.c probe_memory_block_size());
  // at most 1 GiB here, so that the PCI hole is never inside a block.
  L.block_pages = gib >= 64 ? kGiBPages4k : L.section_pages;
  const uint64_t split = nodes == 1 ? end : kHighStart + (gib / 2 - 3) * kGiBPages4k;
  L.nodes.clear();
  Node n0;
  n0.id = 0;
  n0.mem = {{0, kLowEnd}, {kHighStart, split - kHighStart}};
  const uint64_t mm0 = memmapPages(split - kHighStart + kLowEnd);
  n0.zones.push_back({"DMA", 0, 0x1000, 0x1000, kLowFree});
  n0.zones.push_back({"DMA32", 0x1000, kHighStart - 0x1000, kLowEnd - 0x1000,
                      kLowEnd - 0x1000 - (kKernelEnd - 0x1000)});
  n0.zones.push_back(
      {"Normal", kHighStart, split - kHighStart, split - kHighStart, split - kHighStart - mm0});
  L.nodes.push_back(n0);
  if (nodes == 2) {
    Node n1;
    n1.id = 1;
    n1.mem = {{split, end - split}};
    n1.zones.push_back(
        {"Normal", split, end - split, end - split, end - split - memmapPages(end - split)});
    L.nodes.push_back(n1);
  }
  setKernelFacts(h, "x86_64", release, 1234567.89);
}

std::vector<Range> x86Segments(const Host& h, int node) {
  const Node& n = h.layout.nodes[static_cast<size_t>(node)];
  std::vector<Range> s;
  for (const Range& r : n.mem) {
    uint64_t start = r.start, end = r.start + r.pages;
    if (start == 0) start = kKernelEnd;  // low memory and the kernel image are fixed
    if (end == n.mem.back().start + n.mem.back().pages)
      end -= memmapPages([&] {
        uint64_t t = 0;
        for (const Range& x : n.mem)
          t += x.pages;
        return t;
      }());
    s.push_back({start, end - start});
  }
  return s;
}

void layX86(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
            const Kind* free) {
  Kind reserved{.name = "reserved", .cat = Cat::kKernel, .flags = bit(kpf::kReserved)};
  for (const Node& n : h.layout.nodes) {
    const std::vector<Range> segs = x86Segments(h, n.id);
    auto parts = splitOverSegments(node_quotas[static_cast<size_t>(n.id)], segs, free);
    for (size_t i = 0; i < segs.size(); ++i) {
      const uint64_t pos = e.tables().pos().value();
      if (segs[i].start == kKernelEnd) {
        // BIOS data, the legacy VGA hole and the first 1 MiB: reserved struct pages (6.x
        // initialises in-section holes as reserved). Then free ZONE_DMA, then the kernel image.
        e.fixed(reserved, kLowReserved, reserved.flags);
        e.emit(*free, kLowFree);
        e.fixed(reserved, kKernelEnd - 0x1000, reserved.flags);
      } else if (segs[i].start > pos) {
        e.hole(segs[i].start - pos);  // the PCI hole: no memory block, all-zero frames
      }
      streamFill(e, segs[i].start + segs[i].pages, parts[i], kPmdPages4k);
      const uint64_t mem_end = n.mem[i].start + n.mem[i].pages;
      const uint64_t seg_end = segs[i].start + segs[i].pages;
      if (mem_end > seg_end) e.fixed(reserved, mem_end - seg_end, reserved.flags);  // memmap
    }
  }
  if (e.tables().pos().value() != h.layout.end_pfn) throw std::logic_error("x86: wrong end");
}

}  // namespace memsift::testgen

namespace memsift::testgen {
const Platform& x86Platform() {
  static const Platform p{&x86Layout, &x86Segments, &layX86, kLowFree};
  return p;
}
}  // namespace memsift::testgen
