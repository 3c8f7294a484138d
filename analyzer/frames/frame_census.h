// What one pass over the page-frame tables found: pages per category, and per category the split
// by NUMA node, by memory cgroup, and the physical ranges. Plain data, filled by FrameScanner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "analyzer/frames/frame_category.h"
#include "common/units.h"

namespace memsift::frames {

struct PfnRun {
  Pfn start;
  PageCount pages;
};

struct CategoryCensus {
  static constexpr size_t kMaxRanges = 100;

  PageCount pages;
  // Compound pages (THPs, large folios, hugetlb pages) counted whole in this category, by size
  // in pages (a handful of distinct sizes: {512: 447} for 447 PMD THPs at 4 KiB pages).
  uint64_t compounds = 0;
  std::vector<std::pair<uint64_t, uint64_t>> compound_sizes;  // {pages per compound, count}
  // For partly mapped THPs: the subpages no process maps (kpagecount 0).
  PageCount unmapped_subpages;
  std::vector<uint64_t> node_pages;  // index = NUMA node
  PageCount unknown_node_pages;      // frames outside every known node range
  // Coalesced physical ranges in PFN order: the first kMaxRanges, and how many there are in all.
  std::vector<PfnRun> ranges;
  uint64_t range_count = 0;
  Pfn last_range_end;  // end of the last range, kept or not, to coalesce beyond kMaxRanges
};

using CategoryPages = std::array<uint64_t, kFrameCategoryCount>;

struct FrameCensus {
  PageCount frames;          // frames scanned
  PageCount missing_frames;  // PFN gaps between chunks (damaged or absent chunks)
  Pfn end_pfn;               // one past the last frame scanned
  // Frames whose chunk came without kpagecount / kpagecgroup: all of them when the host had no
  // such table (no CONFIG_MEMCG), a chunk's worth when damage cost one table of a range.
  PageCount frames_without_counts;
  PageCount frames_without_cgroups;
  bool anyCounts() const { return frames_without_counts < frames; }
  bool anyCgroups() const { return frames_without_cgroups < frames; }
  std::array<CategoryCensus, kFrameCategoryCount> categories;
  // Memory cgroup inode (from kpagecgroup; 0 = not charged) -> pages per category.
  std::unordered_map<uint64_t, CategoryPages> cgroups;
  // Pages on the anon LRU lists by their flags (lru, swapbacked, not unevictable): what
  // Active(anon) + Inactive(anon) count.
  PageCount lru_anon;
  PageCount lru_file;     // lru, not swapbacked, not unevictable
  PageCount unevictable;  // lru + unevictable
  PageCount mlocked;      // raw bit 33
  // Frames whose kpageflags carry bits no kernel sets (kpf::kUndefinedBits); of the frames
  // classified one by one (not repeats of the frame before), how many had such bits and how many
  // of those would have none byte-swapped. Most flagged frames undefined means the tables are
  // not in the byte order the manifest names (byteOrderSuspect()).
  uint64_t undefined_flag_frames = 0;
  uint64_t undefined_sampled = 0, undefined_sampled_swap_fits = 0;

  // Pages per category inside each zone's PFN span (proc/zoneinfo start_pfn, spanned), in the
  // order FrameScanner::setZones() got them; spans made disjoint there. Empty without zoneinfo.
  struct ZoneSpan {
    Pfn start, end;
    CategoryPages pages{};
  };
  std::vector<ZoneSpan> zones;

  // A coarse physical map: pages per category in cells of kMapCellFrames frames, PFN order
  // (cell i covers [i * kMapCellFrames, (i + 1) * kMapCellFrames)). 4 TiB of 4 KiB pages is
  // 65536 cells: a few MiB, whatever the host.
  static constexpr uint64_t kMapCellFrames = 16384;
  std::vector<CategoryPages> map_cells;

  const CategoryCensus& operator[](FrameCategory c) const {
    return categories[static_cast<size_t>(c)];
  }
};

// Figures of a census whose flags look byte-swapped.
struct ByteOrderSuspect {
  uint64_t flagged_frames = 0;    // frames with any flag (not holes, not unflagged)
  uint64_t undefined_frames = 0;  // of those, frames with bits no kernel sets
  // Of the undefined frames classified one by one, the share (0-1) whose byte-swapped flags
  // would carry no undefined bit.
  double swapped_fit = 0;
};
// Set when more than half of the flagged frames (and at least 64) carry undefined bits: no
// kernel writes such tables, so their byte order is wrong (or they are not kpageflags at all).
std::optional<ByteOrderSuspect> byteOrderSuspect(const FrameCensus& c);

}  // namespace memsift::frames
