// The page-frame classifier (see frame_scanner.h for the kernel facts it relies on).
#include "analyzer/frames/frame_scanner.h"

#include <algorithm>

#include "common/kpf.h"

namespace memsift::frames {

namespace {

using kpf::bit;

// kpagecount is a map count; old kernels return huge values for typed pages (buddy, page tables)
// whose _mapcount field is reused: those are not mappings (kernel-facts.md).
inline bool isMapCount(uint64_t count) {
  return count > 0 && count < (uint64_t{1} << 31);
}

// Frames from `from` on (before `end`) whose word is `value`, compared four at a time: the
// tables are mostly long runs of equal words (free memory, page cache, THP tails read one by one
// otherwise).
size_t equalWords(const uint64_t* words, size_t from, size_t end, uint64_t value) {
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

// Counts (from `from`, before `end`) whose mapped-ness (isMapCount) is `mapped`, four at a time
// and without a branch per word. Without a kpagecount table every frame counts as unmapped.
size_t sameMappedness(const uint64_t* counts, size_t from, size_t end, bool mapped) {
  if (counts == nullptr) return mapped ? 0 : end - from;
  // isMapCount(c) is c - 1 < 2^31 - 1 in unsigned arithmetic.
  constexpr uint64_t kBound = (uint64_t{1} << 31) - 1;
  size_t j = from;
  for (; j + 4 <= end; j += 4) {
    if (((counts[j] - 1 < kBound) != mapped) | ((counts[j + 1] - 1 < kBound) != mapped) |
        ((counts[j + 2] - 1 < kBound) != mapped) | ((counts[j + 3] - 1 < kBound) != mapped)) {
      break;
    }
  }
  while (j < end && isMapCount(counts[j]) == mapped)
    ++j;
  return j - from;
}

// How many of counts[from, end) are map counts (0 without a kpagecount table).
uint64_t mappedIn(const uint64_t* counts, size_t from, size_t end) {
  if (counts == nullptr) return 0;
  constexpr uint64_t kBound = (uint64_t{1} << 31) - 1;
  uint64_t n = 0;
  for (size_t j = from; j < end; ++j)
    n += counts[j] - 1 < kBound;
  return n;
}

constexpr uint64_t kLruAnonMask = bit(kpf::kLru) | bit(kpf::kSwapbacked) | bit(kpf::kUnevictable);

}  // namespace

FrameScanner::FrameScanner(const PfnLayout& layout)
    : cursor_(layout), layout_known_(layout.known()) {
  for (CategoryCensus& c : census_.categories)
    c.node_pages.assign(layout.nodeCount(), 0);
}

FrameCategory FrameScanner::classifySingle(uint64_t f, uint64_t count, int node) const {
  if (f & bit(kpf::kNopage)) return FrameCategory::kHole;
  if (f == 0) {
    // 6.x kernels report holes as all-zero; so do present frames without flags.
    return layout_known_ && node < 0 ? FrameCategory::kHole : FrameCategory::kUnflagged;
  }
  if (f & bit(kpf::kOffline)) return FrameCategory::kOffline;
  if (f & bit(kpf::kBuddy)) return FrameCategory::kFree;
  if (f & bit(kpf::kSlab)) return FrameCategory::kSlab;
  if (f & bit(kpf::kPgtable)) return FrameCategory::kPageTable;
  bool mapped = (f & bit(kpf::kMmap)) || isMapCount(count);
  if (f & bit(kpf::kHuge)) {
    return mapped ? FrameCategory::kHugetlbMapped : FrameCategory::kHugetlbUnmapped;
  }
  if (f & bit(kpf::kAnon))
    return mapped ? FrameCategory::kAnonMapped : FrameCategory::kAnonUnmapped;
  if (f & bit(kpf::kLru)) {
    if (f & bit(kpf::kSwapbacked)) {
      return mapped ? FrameCategory::kShmemMapped : FrameCategory::kShmemUnmapped;
    }
    return mapped ? FrameCategory::kFileMapped : FrameCategory::kFileUnmapped;
  }
  if (f & (bit(kpf::kReserved) | bit(kpf::kZeroPage))) return FrameCategory::kKernel;
  if (f & bit(kpf::kHwpoison)) return FrameCategory::kOther;
  // Swap cache and page cache pages briefly off the LRU (isolated for reclaim or migration).
  if (f & bit(kpf::kSwapbacked)) {
    return mapped ? FrameCategory::kShmemMapped : FrameCategory::kShmemUnmapped;
  }
  if (f & (bit(kpf::kUptodate) | bit(kpf::kDirty) | bit(kpf::kWriteback))) {
    return mapped ? FrameCategory::kFileMapped : FrameCategory::kFileUnmapped;
  }
  return FrameCategory::kOther;
}

FrameCategory FrameScanner::classifyCompound(const Compound& c) const {
  uint64_t f = c.head_flags;
  if (f & bit(kpf::kSlab)) return FrameCategory::kSlab;
  if (f & bit(kpf::kBuddy)) return FrameCategory::kFree;
  if (f & bit(kpf::kPgtable)) return FrameCategory::kPageTable;
  bool any_mapped = (f & bit(kpf::kMmap)) || c.mapped > 0;
  if (f & bit(kpf::kHuge)) {
    return any_mapped ? FrameCategory::kHugetlbMapped : FrameCategory::kHugetlbUnmapped;
  }
  if (f & bit(kpf::kAnon)) {
    if (!any_mapped) return FrameCategory::kAnonThpUnmapped;
    // Without kpagecount, or with the 6.15+ per-folio average (CONFIG_NO_PAGE_MAPCOUNT), a
    // partial unmap is invisible: such a THP counts as mapped.
    if (c.counted && c.mapped > 0 && c.mapped < c.pages) {
      return FrameCategory::kAnonThpPartlyMapped;
    }
    return FrameCategory::kAnonThpMapped;
  }
  if (f & bit(kpf::kLru)) {
    if (f & bit(kpf::kSwapbacked)) {
      return any_mapped ? FrameCategory::kShmemMapped : FrameCategory::kShmemUnmapped;
    }
    return any_mapped ? FrameCategory::kFileMapped : FrameCategory::kFileUnmapped;
  }
  if (f & bit(kpf::kZeroPage)) return FrameCategory::kKernel;  // the huge zero page
  return FrameCategory::kKernel;                               // non-LRU high-order allocation
}

PageCount* FrameScanner::lruCounter(uint64_t f) {
  if (!(f & bit(kpf::kLru)) || (f & bit(kpf::kSlab))) return nullptr;
  if (f & bit(kpf::kUnevictable)) return &census_.unevictable;
  if ((f & kLruAnonMask) == (bit(kpf::kLru) | bit(kpf::kSwapbacked))) return &census_.lru_anon;
  return &census_.lru_file;
}

void FrameScanner::endCompound() {
  if (!compound_.active) return;
  compound_.active = false;
  FrameCategory category = classifyCompound(compound_);
  CategoryCensus& cat = census_.categories[static_cast<size_t>(category)];
  ++cat.compounds;
  auto it = std::find_if(cat.compound_sizes.begin(), cat.compound_sizes.end(),
                         [&](const auto& s) { return s.first == compound_.pages; });
  if (it == cat.compound_sizes.end()) {
    cat.compound_sizes.emplace_back(compound_.pages, 1);
  } else {
    ++it->second;
  }
  if (category == FrameCategory::kAnonThpPartlyMapped) {
    cat.unmapped_subpages += PageCount(compound_.pages - compound_.mapped);
  }
  if (PageCount* lru = lruCounter(compound_.head_flags)) *lru += PageCount(compound_.pages);
  add(category, compound_.head, compound_.pages, cursor_.nodeOf(compound_.head), compound_.cgroup);
}

void FrameScanner::add(FrameCategory category, Pfn start, uint64_t pages, int node,
                       uint64_t cgroup) {
  if (run_.pages > 0 && run_.category == category && run_.node == node && run_.cgroup == cgroup &&
      run_.start + PageCount(run_.pages) == start) {
    run_.pages += pages;
    return;
  }
  flushRun();
  run_ = {category, node, cgroup, start, pages};
}

void FrameScanner::setZones(const std::vector<std::pair<Pfn, Pfn>>& spans) {
  census_.zones.clear();
  for (const auto& [start, end] : spans)
    census_.zones.push_back({start, std::max(start, end), {}});
}

void FrameScanner::flushRun() {
  if (run_.pages == 0) return;
  // Zones: a handful of spans, visited once per run (not per frame). A frame counts once, in
  // the first span holding it.
  if (!census_.zones.empty()) {
    const Pfn run_end = run_.start + PageCount(run_.pages);
    uint64_t counted = 0;
    for (size_t z = 0; z < census_.zones.size() && counted < run_.pages; ++z) {
      FrameCensus::ZoneSpan& zone = census_.zones[z];
      Pfn lo = std::max(zone.start, run_.start), hi = std::min(zone.end, run_end);
      if (lo >= hi) continue;
      uint64_t n = (hi - lo).value();
      // Frames of this overlap already counted in an earlier span that overlaps this one.
      for (size_t e = 0; e < z; ++e) {
        Pfn elo = std::max(census_.zones[e].start, lo), ehi = std::min(census_.zones[e].end, hi);
        if (elo < ehi) n -= std::min(n, (ehi - elo).value());
      }
      zone.pages[static_cast<size_t>(run_.category)] += n;
      counted += n;
    }
  }
  CategoryCensus& cat = census_.categories[static_cast<size_t>(run_.category)];
  cat.pages += PageCount(run_.pages);
  if (run_.node >= 0 && static_cast<size_t>(run_.node) < cat.node_pages.size()) {
    cat.node_pages[static_cast<size_t>(run_.node)] += run_.pages;
  } else {
    cat.unknown_node_pages += PageCount(run_.pages);
  }
  if (run_.category != FrameCategory::kHole) {
    census_.cgroups[run_.cgroup][static_cast<size_t>(run_.category)] += run_.pages;
  }
  // The coarse map: a run may span cells.
  for (uint64_t pfn = run_.start.value(), left = run_.pages; left > 0;) {
    uint64_t cell = pfn / FrameCensus::kMapCellFrames;
    uint64_t take = std::min(left, (cell + 1) * FrameCensus::kMapCellFrames - pfn);
    if (census_.map_cells.size() <= cell) census_.map_cells.resize(cell + 1, CategoryPages{});
    census_.map_cells[cell][static_cast<size_t>(run_.category)] += take;
    pfn += take;
    left -= take;
  }
  // Ranges coalesce across node and cgroup changes: they describe physical placement only.
  if (!cat.ranges.empty() && cat.range_count == cat.ranges.size() &&
      cat.ranges.back().start + cat.ranges.back().pages == run_.start) {
    cat.ranges.back().pages += PageCount(run_.pages);
  } else if (cat.range_count > 0 && cat.range_count > cat.ranges.size() &&
             cat.last_range_end == run_.start) {
    // Continuation of a range beyond the kept ones: still one range.
  } else {
    ++cat.range_count;
    if (cat.ranges.size() < CategoryCensus::kMaxRanges) {
      cat.ranges.push_back({run_.start, PageCount(run_.pages)});
    }
  }
  cat.last_range_end = run_.start + PageCount(run_.pages);
  run_.pages = 0;
}

void FrameScanner::consume(const PageFrameChunk& chunk) {
  if (finished_) return;
  if (!chunk.hasCounts()) census_.frames_without_counts += PageCount(chunk.size());
  if (!chunk.hasCgroups()) census_.frames_without_cgroups += PageCount(chunk.size());
  if (started_ && chunk.start != next_pfn_) {
    // A gap (missing chunk) or overlap: a compound cannot continue across it.
    endCompound();
    if (chunk.start > next_pfn_) census_.missing_frames += chunk.start - next_pfn_;
  }
  started_ = true;
  const size_t n = chunk.flags.size();
  const uint64_t* flags = chunk.flags.data();
  const uint64_t* counts = chunk.hasCounts() ? chunk.counts.data() : nullptr;
  const uint64_t* cgroups = chunk.hasCgroups() ? chunk.cgroups.data() : nullptr;

  Pfn pfn = chunk.start;
  int node = cursor_.nodeOf(pfn);
  Pfn node_boundary = cursor_.nextBoundary(pfn);
  repeat_.valid = false;  // the run may not continue into this chunk
  for (size_t i = 0; i < n; ++i, pfn = pfn + PageCount(1)) {
    if (pfn >= node_boundary) {
      node = cursor_.nodeOf(pfn);
      node_boundary = cursor_.nextBoundary(pfn);
      repeat_.valid = false;
    }
    if (repeat_.valid) {
      // Frames with the same flags, cgroup and mapped-ness as the frame before, which ended the
      // current run (same category, node and cgroup), found in bulk, up to the node boundary.
      const size_t end = i + std::min<uint64_t>(n - i, (node_boundary - pfn).value());
      size_t k = equalWords(flags, i, end, repeat_.flags);
      if (cgroups)
        k = equalWords(cgroups, i, i + k, repeat_.cgroup);
      else if (repeat_.cgroup != 0)
        k = 0;
      const size_t same = sameMappedness(counts, i, i + k, repeat_.mapped);
      if (same > 0) {
        const uint64_t f = repeat_.flags;
        census_.undefined_flag_frames += (f & kpf::kUndefinedBits) != 0 ? same : 0;
        run_.pages += same;
        if (repeat_.lru) *repeat_.lru += PageCount(same);
        if (f & bit(kpf::kMlocked)) census_.mlocked += PageCount(same);
        // The loop's step adds the last one.
        i += same - 1;
        pfn = pfn + PageCount(same - 1);
        continue;
      }
    }
    const uint64_t f = flags[i];
    // Branch-free: one test per frame, whichever path the frame takes below.
    census_.undefined_flag_frames += (f & kpf::kUndefinedBits) != 0;
    const uint64_t count = counts ? counts[i] : 0;
    const uint64_t cgroup = cgroups ? cgroups[i] : 0;
    repeat_.valid = false;
    if (f & kpf::kUndefinedBits) [[unlikely]] {
      ++census_.undefined_sampled;
      census_.undefined_sampled_swap_fits += (__builtin_bswap64(f) & kpf::kUndefinedBits) == 0;
    }
    if (f & bit(kpf::kCompoundTail)) {
      if (compound_.active && compound_.head + PageCount(compound_.pages) == pfn) {
        // This tail and the ones after it with the same flags word, in bulk: a tail takes its
        // head's category, node and cgroup, so only its mapped-ness counts (a THP is 511 tails).
        const size_t tails = 1 + equalWords(flags, i + 1, n, f);
        const uint64_t undefined = (f & kpf::kUndefinedBits) != 0 ? tails - 1 : 0;
        census_.undefined_flag_frames += undefined;
        census_.undefined_sampled += undefined;
        census_.undefined_sampled_swap_fits +=
            (__builtin_bswap64(f) & kpf::kUndefinedBits) == 0 ? undefined : 0;
        compound_.pages += tails;
        compound_.counted &= counts != nullptr;
        compound_.mapped += mappedIn(counts, i, i + tails);
        i += tails - 1;
        pfn = pfn + PageCount(tails - 1);
        continue;
      }
      // A tail without its head (the head is in a missing chunk): counted on its own flags.
    } else {
      endCompound();
      if (f & bit(kpf::kCompoundHead)) {
        compound_ = {true, pfn, f, cgroup, 1, isMapCount(count) ? 1u : 0u, counts != nullptr};
        if (f & bit(kpf::kMlocked)) census_.mlocked += PageCount(1);
        continue;
      }
    }
    if (f & bit(kpf::kMlocked)) census_.mlocked += PageCount(1);
    PageCount* lru = lruCounter(f);
    if (lru) *lru += PageCount(1);
    add(classifySingle(f, count, node), pfn, 1, node, cgroup);
    if (!(f & bit(kpf::kCompoundTail))) repeat_ = {true, f, cgroup, isMapCount(count), lru};
  }
  next_pfn_ = chunk.end();
  census_.frames += chunk.size();
  census_.end_pfn = next_pfn_;
}

const FrameCensus& FrameScanner::finish() {
  if (!finished_) {
    endCompound();
    flushRun();
    finished_ = true;
  }
  return census_;
}

std::optional<ByteOrderSuspect> byteOrderSuspect(const FrameCensus& c) {
  const uint64_t unflagged =
      c[FrameCategory::kHole].pages.value() + c[FrameCategory::kUnflagged].pages.value();
  // KPF_NOPAGE holes count as flagged: byte-swapped they carry bit 44.
  const uint64_t flagged = c.frames.value() > unflagged ? c.frames.value() - unflagged : 0;
  if (c.undefined_flag_frames < 64 || c.undefined_flag_frames * 2 <= flagged) return std::nullopt;
  ByteOrderSuspect s;
  s.flagged_frames = flagged;
  s.undefined_frames = c.undefined_flag_frames;
  if (c.undefined_sampled > 0) {
    s.swapped_fit = static_cast<double>(c.undefined_sampled_swap_fits) /
                    static_cast<double>(c.undefined_sampled);
  }
  return s;
}

}  // namespace memsift::frames
