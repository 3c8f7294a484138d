// One chunk of the kernel's three page-frame tables, as the analyzer streams them from a bundle.
//
// /proc/kpageflags, /proc/kpagecount and /proc/kpagecgroup hold one u64 per PFN
// (Documentation/admin-guide/mm/pagemap.rst). A bundle stores them in chunks of a fixed number of
// frames; the three chunks of one PFN range are delivered together so that a consumer sees each
// frame's flags, map count and memory cgroup inode at once, in bounded memory.
#pragma once

#include <cstddef>
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

// How many words from `from` on (before `end`) equal `value`, compared four at a time without a
// branch per word: the tables are mostly long runs of equal words (free memory, page cache,
// holes, THP tails), which both readers of chunks (the frame scanner, page-types) step over.
inline size_t equalWords(const uint64_t* words, size_t from, size_t end, uint64_t value) {
  size_t j = from;
  for (; j + 4 <= end; j += 4) {
    if (((words[j] ^ value) | (words[j + 1] ^ value) | (words[j + 2] ^ value) |
         (words[j + 3] ^ value)) != 0) {
      break;
    }
  }
  while (j < end && words[j] == value)
    ++j;
  return j - from;
}

}  // namespace memsift
