// Where physical memory is: which PFN ranges hold memory, and on which NUMA node. Built from the
// bundle's /sys/devices/system/memory blocks when captured, else from /proc/zoneinfo's per-zone
// start_pfn/spanned (present on every kernel the seed era included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bundle/derived_tables.h"
#include "common/parse/zoneinfo.h"
#include "common/units.h"

namespace memsift::frames {

struct PfnRange {
  Pfn start;
  Pfn end;  // exclusive
  int node;
};

class PfnLayout {
 public:
  // From memory-blocks.tsv: each online block of `block_bytes` is a range on its node (node 0
  // when the block links to none), divided between nodes where `zoneinfo` (if given) shows the
  // block spans several (addBlock). Empty (not known()) when `block_bytes` is not at least a page.
  static PfnLayout fromMemoryBlocks(const std::vector<bundle::MemoryBlockRow>& blocks,
                                    uint64_t block_bytes, PageSize page_size,
                                    const parse::Zoneinfo* zoneinfo = nullptr);
  // Each node's PFN extent: from the first start_pfn to the last zone end of its zones.
  static std::vector<PfnRange> nodeSpans(const parse::Zoneinfo& zoneinfo);
  // From /proc/zoneinfo: each zone with a start_pfn spans [start_pfn, start_pfn + spanned).
  static PfnLayout fromZoneinfo(const parse::Zoneinfo& zoneinfo);

  // Ranges may come in any order and may touch; they must not overlap.
  void add(Pfn start, Pfn end, int node);
  // A memory block of `node` (its sysfs nodeM link), split where `node_spans` (each node's PFN
  // extent from its zones, proc/zoneinfo) divide it between nodes without overlapping.
  void addBlock(Pfn start, Pfn end, int node, const std::vector<PfnRange>& node_spans);
  void finalize();  // sorts and merges adjacent ranges of the same node
  bool known() const { return !ranges_.empty(); }
  const std::vector<PfnRange>& ranges() const { return ranges_; }
  int nodeCount() const { return max_node_ + 1; }

  // Stateful lookup for a scan in increasing PFN order: amortised O(1). Returns the node, or -1
  // when the PFN is in no range (a hole).
  class Cursor {
   public:
    explicit Cursor(const PfnLayout& layout) : ranges_(layout.ranges_) {}
    int nodeOf(Pfn pfn);
    // First PFN after `pfn` where nodeOf() may change.
    Pfn nextBoundary(Pfn pfn);

   private:
    const std::vector<PfnRange>& ranges_;
    size_t i_ = 0;
  };

 private:
  std::vector<PfnRange> ranges_;
  int max_node_ = 0;
};

}  // namespace memsift::frames
