// The physical layout of the ppc64le cases: 64 KiB pages, radix MMU, a 6.x kernel, the kernel at
// physical 0, one or two NUMA nodes whose memory sits at separate physical ranges, memmap
// reserved at each node's end.
#pragma once

#include <vector>

#include "testdata/gen/host.h"
#include "testdata/gen/placer.h"

namespace memsift::testgen {

inline constexpr uint64_t kGiBPages64k = 0x4000;  // 1 GiB of 64 KiB pages
// A PMD maps 32 pages of 64 KiB (2 MiB) with the radix MMU (arch/powerpc/include/asm/book3s/64/
// radix-64k.h, RADIX_PTE_INDEX_SIZE 5); the hash MMU's would be 16 MiB (H_PTE_INDEX_SIZE 8).
inline constexpr uint64_t kPmdPages64k = 32;

// Sets host.layout (and facts for ppc64le) for `gib` GiB of RAM over `nodes` nodes (1 or 2).
void ppc64Layout(Host& h, uint64_t gib, int nodes, const std::string& release);
// The range each node's streams fill (PMD-aligned): its memory minus the fixed areas.
std::vector<Range> ppc64Segments(const Host& h, int node);
// Writes every frame: the kernel's reserved area, the gap between the nodes, each node's quotas
// streamed over its segment, and memmap.
void layPpc64(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
              const Kind* free);

}  // namespace memsift::testgen
