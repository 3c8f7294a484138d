// Parser for /proc/zoneinfo: per-zone watermarks and counters, and the per-node counters.
//
// mm/vmstat.c (zoneinfo_show_print) prints for each zone "Node %d, zone %8s"; for the node's
// first populated zone "  per-node stats" and the node's counters; then "  pages free", the
// watermarks (boost, min, low, high, promo, spanned, present, managed, cma) and "protection:".
// An unpopulated zone stops there. A populated one continues with its counters, "  pagesets"
// with per-CPU lines (skipped here), "node_unreclaimable:" and "start_pfn:". All counts are
// pages. The text must outlive the result.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/parse/keyed_list.h"
#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

struct Zone {
  unsigned node = 0;
  std::string_view name;  // "DMA32", "Normal", ...
  size_t line = 0;        // the "Node N, zone NAME" line
  PageCount free, boost, min, low, high, promo, spanned, present, managed, cma;
  std::string_view protection;  // "(0, 3018, 4426, 4426, 4426)"
  KeyValues stats;              // nr_free_pages, nr_zone_active_anon, numa_hit, ... (pages)
  std::optional<uint64_t> node_unreclaimable;
  std::optional<Pfn> start_pfn;

  bool populated() const { return present.value() != 0; }
};

struct NodeStats {
  unsigned node = 0;
  size_t line = 0;  // the "per-node stats" line
  KeyValues stats;  // nr_inactive_anon, nr_anon_pages, ... (pages, unless the key says kB)
};

struct Zoneinfo {
  std::vector<Zone> zones;
  std::vector<NodeStats> nodes;

  const Zone* find(unsigned node, std::string_view name) const;
  const NodeStats* findNode(unsigned node) const;
};

Zoneinfo parseZoneinfo(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
