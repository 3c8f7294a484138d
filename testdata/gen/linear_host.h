// The layouts of the s390x and arm64 16 KiB-page cases: one NUMA node of contiguous memory from
// a start address (0 on s390x, 1 GiB on arm64, whose PFNs below it are a hole), the kernel at
// the start of memory, memmap reserved at the end, a 6.x kernel.
#pragma once

#include <vector>

#include "testdata/gen/host.h"
#include "testdata/gen/placer.h"

namespace memsift::testgen {

// s390x: 4 KiB pages, big-endian page-frame tables, the PMD maps 256 pages (1 MiB: a segment,
// arch/s390/include/asm/pgtable.h, HPAGE_SHIFT 20), so THPs and the default hugetlb size are
// 1 MiB (Hugepagesize: 1024 kB); buddy orders 0-10 (MAX_PAGE_ORDER 10); SECTION_SIZE_BITS 28:
// 256 MiB sections and memory blocks; ZONE_DMA below 2 GiB (31-bit DMA), ZONE_NORMAL above; no
// NUMA (the kernel has none since 6.5).
inline constexpr uint64_t kPmdPagesS390 = 256;
void s390xLayout(Host& h, uint64_t gib, int nodes, const std::string& release);

// arm64 with 16 KiB pages: the PMD maps 2048 pages (32 MiB, PMD_SHIFT 25), so PMD THPs and the
// default hugetlb size are 32 MiB; buddy orders 0-11 (ARCH_FORCE_MAX_ORDER 11 with 16 KiB
// pages); SECTION_SIZE_BITS 27: 128 MiB sections and memory blocks; RAM from 1 GiB physical
// (the 'virt' machine's 0x40000000); ZONE_DMA below 4 GiB, ZONE_NORMAL above.
inline constexpr uint64_t kPmdPages16k = 2048;
void arm64k16Layout(Host& h, uint64_t gib, int nodes, const std::string& release);

// The range the streams fill: memory minus the kernel at its start and memmap at its end.
std::vector<Range> linearSegments(const Host& h, int node);
// Writes every frame: the hole below memory, the kernel, the quotas over the segment, memmap.
void layLinear(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
               const Kind* free);

}  // namespace memsift::testgen
