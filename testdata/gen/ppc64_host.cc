// The ppc64le layout (see ppc64_host.h). Facts: arch/powerpc/Kconfig (ARCH_FORCE_MAX_ORDER 8 with
// 64 KiB pages: buddy orders 0-8), arch/powerpc/include/asm/sparsemem.h (SECTION_SIZE_BITS 24:
// 16 MiB sections), book3s64 has no ZONE_DMA (all memory is ZONE_NORMAL), drivers/base/memory.c
// (blocks exist only where memory is; 256 MiB blocks, the usual LMB size).
#include "testdata/gen/ppc64_host.h"

#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/host_case.h"

namespace memsift::testgen {

using kpf::bit;

namespace {
constexpr uint64_t kKernelEnd = 0x400;  // the kernel and firmware areas at physical 0: 64 MiB
uint64_t memmapPages(uint64_t node_pages) {
  // 64 bytes of struct page per 64 KiB frame, rounded to a PMD so THPs stay aligned.
  uint64_t p = node_pages / 1024;
  return (p + kPmdPages64k - 1) / kPmdPages64k * kPmdPages64k;
}
}  // namespace

void ppc64Layout(Host& h, uint64_t gib, int nodes, const std::string& release) {
  if (gib < 8 || gib % 2 != 0 || (nodes != 1 && nodes != 2))
    throw std::logic_error("ppc64 layout: bad size");
  Layout& L = h.layout;
  L.page_size = 65536;
  L.section_pages = 0x100;  // 16 MiB
  L.block_pages = 0x1000;   // 256 MiB
  L.max_order = 9;
  L.pmd_pages = kPmdPages64k;
  // Node 1's memory starts at twice node 0's size: the gap between them has no memory block and
  // reads all-zero in the page-frame tables (fs/proc/page.c kpage_read(), 2025 kernels; older
  // ones reported KPF_NOPAGE there).
  const uint64_t per_node = gib / static_cast<uint64_t>(nodes) * kGiBPages64k;
  L.nodes.clear();
  for (int n = 0; n < nodes; ++n) {
    Node node;
    node.id = n;
    const uint64_t start = static_cast<uint64_t>(n) * 2 * per_node;
    node.mem = {{start, per_node}};
    const uint64_t reserved = memmapPages(per_node) + (n == 0 ? kKernelEnd : 0);
    node.zones.push_back({"Normal", start, per_node, per_node, per_node - reserved});
    L.nodes.push_back(node);
  }
  L.end_pfn = L.nodes.back().mem.back().start + per_node;  // a whole section
  setKernelFacts(h, "ppc64le", release, 2345678.91);
}

std::vector<Range> ppc64Segments(const Host& h, int node) {
  const Range& mem = h.layout.nodes[static_cast<size_t>(node)].mem.front();
  const uint64_t start = mem.start + (node == 0 ? kKernelEnd : 0);
  return {{start, mem.start + mem.pages - memmapPages(mem.pages) - start}};
}

void layPpc64(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
              const Kind* free) {
  Kind reserved{.name = "reserved", .cat = Cat::kKernel, .flags = bit(kpf::kReserved)};
  for (const Node& n : h.layout.nodes) {
    const Range& mem = n.mem.front();
    const std::vector<Range> segs = ppc64Segments(h, n.id);
    const uint64_t pos = e.tables().pos().value();
    if (mem.start > pos) e.hole(mem.start - pos);
    e.fixed(reserved, segs[0].start - mem.start, reserved.flags);  // the kernel, on node 0
    auto parts = splitOverSegments(node_quotas[static_cast<size_t>(n.id)], segs, free);
    streamFill(e, segs[0].start + segs[0].pages, parts[0], h.layout.pmd_pages);
    e.fixed(reserved, mem.start + mem.pages - (segs[0].start + segs[0].pages), reserved.flags);
  }
  if (e.tables().pos().value() != h.layout.end_pfn) throw std::logic_error("ppc64: wrong end");
}

const Platform& ppc64Platform() {
  static const Platform p{&ppc64Layout, &ppc64Segments, &layPpc64, 0};
  return p;
}

}  // namespace memsift::testgen
