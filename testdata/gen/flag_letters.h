// One-letter names for the kpageflags bits the cases combine, as page-types prints them
// (tools/mm/page-types.c): uptodate U, referenced R, dirty D, lru l, active A, mmap M,
// anonymous a, swapbacked b, thp t; and x for PG_anon_exclusive, which 6.x kernels set on
// anonymous pages (bit 34, owner_2).
#pragma once

#include <cstdint>

#include "common/kpf.h"

namespace memsift::testgen::letters {

inline constexpr uint64_t U = kpf::bit(kpf::kUptodate), R = kpf::bit(kpf::kReferenced),
                          D = kpf::bit(kpf::kDirty), l = kpf::bit(kpf::kLru),
                          A = kpf::bit(kpf::kActive), M = kpf::bit(kpf::kMmap),
                          a = kpf::bit(kpf::kAnon), b = kpf::bit(kpf::kSwapbacked),
                          t = kpf::bit(kpf::kThp), x = kpf::bit(kpf::kOwner2);

}  // namespace memsift::testgen::letters
