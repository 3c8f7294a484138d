// PFN -> NUMA node lookup over sorted ranges.
#include "analyzer/frames/pfn_layout.h"

#include <algorithm>
#include <limits>

namespace memsift::frames {

PfnLayout PfnLayout::fromMemoryBlocks(const std::vector<bundle::MemoryBlockRow>& blocks,
                                      uint64_t block_bytes, PageSize page_size,
                                      const parse::Zoneinfo* zoneinfo) {
  PfnLayout layout;
  if (block_bytes < page_size.bytes()) return layout;
  const uint64_t frames_per_block = block_bytes / page_size.bytes();
  const std::vector<PfnRange> spans = zoneinfo ? nodeSpans(*zoneinfo) : std::vector<PfnRange>{};
  for (const bundle::MemoryBlockRow& b : blocks) {
    if (b.state != "online") continue;
    layout.addBlock(Pfn(b.block * frames_per_block), Pfn((b.block + 1) * frames_per_block),
                    b.node.value_or(0), spans);
  }
  layout.finalize();
  return layout;
}

std::vector<PfnRange> PfnLayout::nodeSpans(const parse::Zoneinfo& zoneinfo) {
  std::vector<PfnRange> spans;
  for (const parse::Zone& z : zoneinfo.zones) {
    if (!z.start_pfn || z.spanned.value() == 0) continue;
    const int n = static_cast<int>(z.node);
    auto s =
        std::find_if(spans.begin(), spans.end(), [n](const PfnRange& r) { return r.node == n; });
    if (s == spans.end()) {
      spans.push_back({*z.start_pfn, *z.start_pfn + z.spanned, n});
    } else {
      s->start = std::min(s->start, *z.start_pfn);
      s->end = std::max(s->end, *z.start_pfn + z.spanned);
    }
  }
  return spans;
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

// A memory block can span NUMA nodes: the lab's arm64 5.10 guest has 1 GiB blocks and two nodes
// of 512 MiB, so its one block links to node0 and node1, and the block's single node column
// named only one of them (the leak on node 0 was reported on node 1). The zones know where each
// node's memory is: where their spans divide the block, each part goes to its node, and what
// no span covers to the block's own. Spans that overlap within the block (nodes interleaved)
// divide nothing; the block then stays whole.
void PfnLayout::addBlock(Pfn start, Pfn end, int node, const std::vector<PfnRange>& node_spans) {
  std::vector<PfnRange> parts;
  for (const PfnRange& s : node_spans) {
    const Pfn a = std::max(start, s.start), b = std::min(end, s.end);
    if (a < b) parts.push_back({a, b, s.node});
  }
  std::sort(parts.begin(), parts.end(),
            [](const PfnRange& x, const PfnRange& y) { return x.start < y.start; });
  bool divides = parts.size() > 1;
  for (size_t i = 1; i < parts.size(); ++i)
    divides = divides && parts[i - 1].end <= parts[i].start;
  if (!divides) {
    add(start, end, node);
    return;
  }
  Pfn at = start;
  for (const PfnRange& p : parts) {
    add(at, p.start, node);
    add(p.start, p.end, p.node);
    at = p.end;
  }
  add(at, end, node);
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
