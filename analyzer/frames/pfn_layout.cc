// PFN -> NUMA node lookup over sorted ranges.
#include "analyzer/frames/pfn_layout.h"

#include <algorithm>
#include <limits>

namespace memsift::frames {

PfnLayout PfnLayout::fromMemoryBlocks(const std::vector<bundle::MemoryBlockRow>& blocks,
                                      uint64_t block_bytes, PageSize page_size) {
  PfnLayout layout;
  if (block_bytes < page_size.bytes()) return layout;
  const uint64_t frames_per_block = block_bytes / page_size.bytes();
  for (const bundle::MemoryBlockRow& b : blocks) {
    if (b.state != "online") continue;
    layout.add(Pfn(b.block * frames_per_block), Pfn((b.block + 1) * frames_per_block),
               b.node.value_or(0));
  }
  layout.finalize();
  return layout;
}

PfnLayout PfnLayout::fromZoneinfo(const parse::Zoneinfo& zoneinfo) {
  PfnLayout layout;
  for (const parse::Zone& z : zoneinfo.zones) {
    if (!z.start_pfn || z.spanned.value() == 0) continue;
    layout.add(*z.start_pfn, *z.start_pfn + z.spanned, static_cast<int>(z.node));
  }
  layout.finalize();
  return layout;
}

void PfnLayout::add(Pfn start, Pfn end, int node) {
  if (end <= start) return;
  ranges_.push_back({start, end, node});
  max_node_ = std::max(max_node_, node);
}

void PfnLayout::finalize() {
  std::sort(ranges_.begin(), ranges_.end(),
            [](const PfnRange& a, const PfnRange& b) { return a.start < b.start; });
  std::vector<PfnRange> merged;
  for (const PfnRange& r : ranges_) {
    if (!merged.empty() && merged.back().end >= r.start && merged.back().node == r.node) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
}

int PfnLayout::Cursor::nodeOf(Pfn pfn) {
  // Invariant: every range before i_ ends at or before the last PFN looked up. A scan goes
  // forward; looking back (a new scan) re-finds the position by binary search.
  if (i_ > 0 && pfn < ranges_[i_ - 1].end) {
    i_ = static_cast<size_t>(std::upper_bound(ranges_.begin(), ranges_.end(), pfn,
                                              [](Pfn p, const PfnRange& r) { return p < r.end; }) -
                             ranges_.begin());
  }
  while (i_ < ranges_.size() && ranges_[i_].end <= pfn)
    ++i_;
  if (i_ < ranges_.size() && ranges_[i_].start <= pfn) return ranges_[i_].node;
  return -1;
}

Pfn PfnLayout::Cursor::nextBoundary(Pfn pfn) {
  nodeOf(pfn);
  if (i_ >= ranges_.size()) return Pfn(std::numeric_limits<uint64_t>::max());
  return ranges_[i_].start <= pfn ? ranges_[i_].end : ranges_[i_].start;
}

}  // namespace memsift::frames
