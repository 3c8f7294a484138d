// Findings about events since boot rather than memory held now: OOM kills, failed THP splits and
// compaction, allocations that missed their NUMA node. The findings carry figures;
// report/finding_wording_events.cc says them.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>

#include "common/bundle/members.h"

namespace memsift::analysis::findings {

namespace members = bundle::members;

void oomKills(Context& c) {
  auto kills = c.vmstat("oom_kill");
  report::OomFacts facts;
  facts.kills = kills;
  if (const std::string* kmsg = c.d.text(std::string(members::kKernelLog))) {
    size_t pos = 0, number = 0;
    while (pos < kmsg->size()) {
      ++number;
      size_t nl = kmsg->find('\n', pos);
      std::string_view line(kmsg->data() + pos,
                            (nl == std::string::npos ? kmsg->size() : nl) - pos);
      pos = nl == std::string::npos ? kmsg->size() : nl + 1;
      if (line.find("Killed process") != std::string_view::npos ||
          line.find("Out of memory") != std::string_view::npos) {
        ++facts.log_messages;
        if (facts.messages.size() == 10) continue;  // the first ten are evidence enough
        size_t semi = line.find(';');
        facts.messages.push_back(
            {std::string(semi == std::string_view::npos ? line : line.substr(semi + 1)), number});
      }
    }
  }
  if ((!kills || *kills == 0) && facts.log_messages == 0) return;
  Finding f;
  f.id = "oom-kills";
  f.severity = Severity::kWarning;
  f.facts = std::move(facts);
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
  report::ThpFailureFacts facts{split_failed, compact_fail, compact_stall, {}};
  for (const char* key :
       {"thp_split_page_failed", "thp_split_page", "thp_deferred_split_page", "compact_stall",
        "compact_fail", "compact_success", "thp_fault_fallback", "thp_collapse_alloc_failed"}) {
    if (auto v = c.vmstat(key)) facts.counters.push_back({key, *v});
  }
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

void numaImbalance(Context& c) {
  auto hit = c.vmstat("numa_hit").value_or(0);
  auto miss = c.vmstat("numa_miss").value_or(0);
  if (hit + miss == 0 || miss * 100 < (hit + miss) * 2) return;
  Finding f;
  f.id = "numa-miss";
  f.severity = Severity::kInfo;
  report::NumaMissFacts facts{hit, miss, {}};
  if (c.d.zoneinfo) {
    for (const parse::NodeStats& n : c.d.zoneinfo->nodes) {
      uint64_t free_pages = 0;
      for (const parse::Zone& z : c.d.zoneinfo->zones) {
        if (z.node == n.node) free_pages += z.free.value();
      }
      facts.nodes.push_back({static_cast<int>(n.node), c.pagesToBytes(free_pages)});
    }
  }
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
