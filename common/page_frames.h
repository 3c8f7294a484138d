// One chunk of the kernel's three page-frame tables, as the analyzer streams them from a bundle.
//
// /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup hold one u64 per PFN
// (Documentation/admin-guide/mm/pagemap.rst). A bundle stores them in chunks of a fixed number of
// frames; the three chunks of one PFN range are delivered together so that a consumer sees each
// frame's flags, map count and memory cgroup inode at once, in bounded memory.
#pragma once

#include <cstdint>
#include <span>

#include "common/units.h"

namespace memsift {

struct PageFrameChunk {
  Pfn start;                          // PFN of flags[0]
  std::span<const uint64_t> flags;    // kpageflags; never empty
  std::span<const uint64_t> counts;   // kpagecount, same length as flags, or empty if not captured
  std::span<const uint64_t> cgroups;  // kpagecgroup, same length as flags, or empty if not captured

  PageCount size() const { return PageCount(flags.size()); }
  Pfn end() const { return start + size(); }
  bool hasCounts() const { return !counts.empty(); }
  bool hasCgroups() const { return !cgroups.empty(); }
};

}  // namespace memsift
