// Findings about events since boot rather than memory held now: OOM kills, failed THP splits and
// compaction, allocations that missed their NUMA node.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>

namespace memsift::analysis::findings {

void oomKills(Context& c) {
  auto kills = c.vmstat("oom_kill");
  std::vector<std::string> lines;
  std::vector<size_t> line_numbers;  // the evidence's field: "line N" of dev/kmsg
  if (const std::string* kmsg = c.d.text("dev/kmsg")) {
    size_t pos = 0, number = 0;
    while (pos < kmsg->size()) {
      ++number;
      size_t nl = kmsg->find('\n', pos);
      std::string_view line(kmsg->data() + pos,
                            (nl == std::string::npos ? kmsg->size() : nl) - pos);
      pos = nl == std::string::npos ? kmsg->size() : nl + 1;
      if (line.find("Killed process") != std::string_view::npos ||
          line.find("Out of memory") != std::string_view::npos) {
        size_t semi = line.find(';');
        lines.emplace_back(semi == std::string_view::npos ? line : line.substr(semi + 1));
        line_numbers.push_back(number);
      }
    }
  }
  if ((!kills || *kills == 0) && lines.empty()) return;
  Finding f;
  f.id = "oom-kills";
  f.severity = Severity::kWarning;
  uint64_t n = kills.value_or(lines.size());
  f.summary = "The OOM killer ran " + formatCount(n) + " time" + (n == 1 ? "" : "s") +
              " since boot: memory ran out for real.";
  if (kills) f.evidence.push_back({"oom_kill " + formatCount(*kills), {"proc/vmstat", "oom_kill"}});
  for (size_t i = 0; i < std::min<size_t>(lines.size(), 10); ++i) {
    f.evidence.push_back({lines[i], {"dev/kmsg", "line " + std::to_string(line_numbers[i])}});
  }
  f.next_steps.push_back(
      "The findings above say where the memory went; the victims are the "
      "symptom, not the cause.");
  c.out.push_back(std::move(f));
}

void thpCompactionFailures(Context& c) {
  auto split_failed = c.vmstat("thp_split_page_failed").value_or(0);
  auto compact_fail = c.vmstat("compact_fail").value_or(0);
  auto compact_stall = c.vmstat("compact_stall").value_or(0);
  if (split_failed < 1000 && (compact_fail == 0 || compact_fail < compact_stall / 2)) return;
  Finding f;
  f.id = "thp-split-compaction-failures";
  f.severity = split_failed >= 1000 ? Severity::kWarning : Severity::kInfo;
  f.summary = "The kernel failed to split THPs " + formatCount(split_failed) +
              " times and compaction failed " + formatCount(compact_fail) + " of " +
              formatCount(compact_stall) + " times: huge pages are pinned or memory is fragmented.";
  for (const char* key :
       {"thp_split_page_failed", "thp_split_page", "thp_deferred_split_page", "compact_stall",
        "compact_fail", "compact_success", "thp_fault_fallback", "thp_collapse_alloc_failed"}) {
    if (auto v = c.vmstat(key))
      f.evidence.push_back({std::string(key) + " " + formatCount(*v), {"proc/vmstat", key}});
  }
  f.next_steps.push_back(
      "A split fails when a THP has references beyond its mappings (pins): the same cause as "
      "unmapped THPs staying on the LRU. Fragmentation is visible in /proc/buddyinfo.");
  c.out.push_back(std::move(f));
}

void numaImbalance(Context& c) {
  auto hit = c.vmstat("numa_hit").value_or(0);
  auto miss = c.vmstat("numa_miss").value_or(0);
  if (hit + miss == 0 || miss * 100 < (hit + miss) * 2) return;
  Finding f;
  f.id = "numa-miss";
  f.severity = Severity::kInfo;
  f.summary = percentOf(miss, hit + miss) +
              " of page allocations could not be served from the preferred NUMA node: one node "
              "ran short while others had memory.";
  f.evidence.push_back({"numa_hit " + formatCount(hit) + ", numa_miss " + formatCount(miss),
                        {"proc/vmstat", "numa_hit, numa_miss"}});
  if (c.d.zoneinfo) {
    for (const parse::NodeStats& n : c.d.zoneinfo->nodes) {
      uint64_t free_pages = 0;
      for (const parse::Zone& z : c.d.zoneinfo->zones) {
        if (z.node == n.node) free_pages += z.free.value();
      }
      f.evidence.push_back({"node " + std::to_string(n.node) + ": " +
                                formatBytes(c.pagesToBytes(free_pages)) + " free",
                            {"proc/zoneinfo", "pages free"}});
    }
  }
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
