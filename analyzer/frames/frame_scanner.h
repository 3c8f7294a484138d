// One streaming pass over the three page-frame tables that puts every frame in one category.
//
// Compound pages are reassembled from the head and the tails that follow it (a compound page is
// physically contiguous and starts with its head): the whole compound takes its head's category
// and its head's memory cgroup, because on 4.18-era kernels tails carry only
// anonymous|thp|compound_tail and a kpagecgroup of 0, while on 6.x kernels they carry the folio's
// flags and cgroup (kernel-facts.md, fs/proc/page.c). The anon bit is ignored on slab pages
// (the mapping field is reused there). Holes are KPF_NOPAGE on old kernels, all-zero frames
// outside present memory on new ones.
//
// Memory: no allocation per frame. Consecutive frames of the same category, node and cgroup are
// counted as a run and aggregated once per run.
#pragma once

#include "analyzer/frames/frame_census.h"
#include "analyzer/frames/pfn_layout.h"
#include "common/page_frames.h"

namespace memsift::frames {

class FrameScanner {
 public:
  explicit FrameScanner(const PfnLayout& layout);

  // Zone spans [start, end) to count categories in (FrameCensus::zones), before the first chunk.
  // Spans may overlap (ZONE_MOVABLE inside Normal's): a frame counts in the first span holding
  // it, in the order given.
  void setZones(const std::vector<std::pair<Pfn, Pfn>>& spans);
  // Chunks in increasing PFN order; gaps between them are counted as missing frames.
  void consume(const PageFrameChunk& chunk);
  // Ends the last compound page and run. Call once, after the last chunk.
  const FrameCensus& finish();
  const FrameCensus& census() const { return census_; }

 private:
  struct Compound {
    bool active = false;
    Pfn head;
    uint64_t head_flags = 0;
    uint64_t cgroup = 0;
    uint64_t pages = 0;
    uint64_t mapped = 0;  // subpages with kpagecount > 0
    bool counted = true;  // every frame came with its kpagecount
  };
  struct Run {
    FrameCategory category = FrameCategory::kHole;
    int node = -1;
    uint64_t cgroup = 0;
    Pfn start;
    uint64_t pages = 0;
  };

  // The last base page classified, when the next may repeat it: a frame with the same flags,
  // kpagecount mapped-ness and cgroup on the same node lands in the same category and extends
  // the current run without being classified again. Most of memory comes in long runs of such
  // frames (free blocks, page cache, holes), so this is the scan's common path.
  struct Repeat {
    bool valid = false;
    uint64_t flags = 0;
    uint64_t cgroup = 0;
    bool mapped = false;
    PageCount* lru = nullptr;  // the LRU counter the frame adds to, if any
  };

  FrameCategory classifySingle(uint64_t flags, uint64_t count, int node) const;
  FrameCategory classifyCompound(const Compound& c) const;
  void endCompound();
  // The LRU list counter a page with these flags is on, or nullptr.
  PageCount* lruCounter(uint64_t flags);
  void add(FrameCategory category, Pfn start, uint64_t pages, int node, uint64_t cgroup);
  void flushRun();

  PfnLayout::Cursor cursor_;
  bool layout_known_;
  FrameCensus census_;
  Compound compound_;
  Run run_;
  Repeat repeat_;
  Pfn next_pfn_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace memsift::frames
