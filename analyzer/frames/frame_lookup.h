// One frame explained: what the bundle's tables say of a few PFNs, with the compound page each
// belongs to and the category FrameScanner would put it in. What crash's `kmem -p` tells from a
// live kernel's struct page, taken offline from kpageflags, kpagecount and kpagecgroup.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/frames/frame_category.h"
#include "analyzer/frames/pfn_layout.h"
#include "common/bundle/damage.h"
#include "common/units.h"

namespace memsift::frames {

// A frame as the tables hold it.
struct FrameWords {
  Pfn pfn;
  uint64_t flags = 0;              // kpageflags, in this machine's byte order
  std::optional<uint64_t> count;   // kpagecount; absent when the bundle has none for it
  std::optional<uint64_t> cgroup;  // kpagecgroup inode; absent when the bundle has none for it
};

enum class CompoundRole { kNone, kHead, kTail };

// The compound page (THP, large folio, hugetlb page, non-LRU compound) a frame belongs to: its
// head and every tail that follows it.
struct CompoundExtent {
  FrameWords head;
  uint64_t pages = 0;   // head and tails
  uint64_t mapped = 0;  // frames with kpagecount > 0
  bool counted = true;  // every frame came with its kpagecount
};

struct FrameLookup {
  Pfn pfn;
  bool in_tables = false;  // the bundle's tables hold this PFN
  FrameWords frame;
  CompoundRole role = CompoundRole::kNone;
  // For a head or a tail whose head the tables hold.
  std::optional<CompoundExtent> compound;
  // The category of the frame (of its whole compound page), as the report counts it.
  std::optional<FrameCategory> category;
};

// Frames of one command: at most this many, so that a typo of a range cannot print a host.
inline constexpr uint64_t kMaxLookups = 4096;

// Reads the page-frame tables of the bundle at `path` once, from far enough before the lowest
// PFN to meet the head of any compound page it is a tail of (2^20 frames: a 16 GiB page of
// 64 KiB frames, a 1 GiB page of 4 KiB frames), up to the end of the last compound holding one of
// `pfns` (sorted, unique). `layout` decides holes and nodes as in the report. Damage met on the
// way is appended to `damage`.
std::vector<FrameLookup> lookUpFrames(const std::string& path, const std::vector<Pfn>& pfns,
                                      const PfnLayout& layout, std::vector<bundle::Damage>& damage);

}  // namespace memsift::frames
