// The categories memsift puts every page frame in: one per frame, decided from the frame's flags,
// its map count, and (for compound pages) its head's flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memsift::frames {

enum class FrameCategory : uint8_t {
  kFree,                 // buddy allocator
  kAnonMapped,           // anonymous base page mapped by a process
  kAnonUnmapped,         // anonymous base page that no process maps
  kAnonThpMapped,        // anonymous THP, every subpage mapped
  kAnonThpPartlyMapped,  // anonymous THP, some subpages mapped
  kAnonThpUnmapped,      // anonymous THP that no process maps
  kFileMapped,           // page cache mapped by a process
  kFileUnmapped,         // page cache nobody maps
  kShmemMapped,          // shmem/tmpfs/SysV shm mapped by a process
  kShmemUnmapped,        // shmem/tmpfs/SysV shm nobody maps
  kSlab,                 // slab allocator
  kPageTable,            // page-table pages
  kHugetlbMapped,        // hugetlbfs pages mapped by a process
  kHugetlbUnmapped,      // hugetlbfs pages nobody maps: free in the pool, or reserved
  kKernel,               // reserved, zero page, non-LRU compound and other kernel pages
  kUnflagged,            // no flags inside present memory: kernel allocations without page
                         // flags (vmalloc, percpu, stacks) or memmap not initialised
  kOffline,              // logically offline (balloon, virtio-mem)
  kHole,                 // no memory: KPF_NOPAGE, or outside every present memory block
  kOther,                // flags that fit none of the above (hwpoison, isolated pages, ...)
};

inline constexpr size_t kFrameCategoryCount = static_cast<size_t>(FrameCategory::kOther) + 1;

// Stable identifier used in JSON ("anon_thp_unmapped").
std::string_view categoryId(FrameCategory c);
// Human label ("anonymous THP, unmapped").
std::string_view categoryLabel(FrameCategory c);
// True for categories that hold memory (everything but holes).
constexpr bool isMemory(FrameCategory c) {
  return c != FrameCategory::kHole;
}

}  // namespace memsift::frames
