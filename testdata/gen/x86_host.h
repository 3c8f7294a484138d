// The physical layout shared by the x86_64 cases: 4 KiB pages, a 6.x kernel, memory below the
// 3 GiB PCI hole and above 4 GiB, one or two NUMA nodes, memmap reserved at each node's end.
#pragma once

#include <vector>

#include "testdata/gen/host.h"
#include "testdata/gen/placer.h"

namespace memsift::testgen {

inline constexpr uint64_t kGiBPages4k = 0x40000;  // 1 GiB of 4 KiB pages
inline constexpr uint64_t kPmdPages4k = 512;      // one PMD THP or 2 MiB huge page

// Sets host.layout (and facts for x86_64) for `gib` GiB of RAM over `nodes` nodes (1 or 2).
void x86Layout(Host& h, uint64_t gib, int nodes, const std::string& release);
// The ranges each node's streams fill (all PMD-aligned), in PFN order.
std::vector<Range> x86Segments(const Host& h, int node);
// Writes every frame: the fixed areas (reserved low memory and kernel image, memmap, the PCI
// hole) and, per node, its quotas streamed over its segments; `free` fills what is left.
void layX86(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
            const Kind* free);

}  // namespace memsift::testgen
