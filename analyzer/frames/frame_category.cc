// Names of the frame categories.
#include "analyzer/frames/frame_category.h"

namespace memsift::frames {
namespace {

struct Names {
  std::string_view id, label;
};

constexpr Names kNames[kFrameCategoryCount] = {
    {"free", "free (buddy)"},
    {"anon_mapped", "anonymous, mapped"},
    {"anon_unmapped", "anonymous, unmapped"},
    {"anon_thp_mapped", "anonymous THP, mapped"},
    {"anon_thp_partly_mapped", "anonymous THP, partly mapped"},
    {"anon_thp_unmapped", "anonymous THP, unmapped"},
    {"file_mapped", "page cache, mapped"},
    {"file_unmapped", "page cache, unmapped"},
    {"shmem_mapped", "shmem/tmpfs, mapped"},
    {"shmem_unmapped", "shmem/tmpfs, unmapped"},
    {"slab", "slab"},
    {"page_table", "page tables"},
    {"hugetlb_mapped", "hugetlb, mapped"},
    {"hugetlb_unmapped", "hugetlb, unmapped (free or reserved)"},
    {"kernel", "kernel (reserved, zero page, other)"},
    {"unflagged", "no flags (kernel allocations, uninitialised memmap)"},
    {"offline", "offline"},
    {"hole", "hole (no memory)"},
    {"other", "other"},
};

}  // namespace

std::string_view categoryId(FrameCategory c) {
  return kNames[static_cast<size_t>(c)].id;
}
std::string_view categoryLabel(FrameCategory c) {
  return kNames[static_cast<size_t>(c)].label;
}

}  // namespace memsift::frames
