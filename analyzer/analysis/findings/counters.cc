// counters-impossible: meminfo counters that no kernel with correct accounting can print (issue
// 13 §2; seen on UEK 6.12, where Inactive(file) grew to 15x MemTotal and MemAvailable exceeded
// MemTotal). Every figure computed from them is then wrong, so the finding says which and by how
// much, and the report leans on the page-frame tables instead.
#include <algorithm>

#include "analyzer/analysis/findings/rules.h"
#include "common/parse/meminfo.h"

namespace memsift::analysis::findings {

namespace members = bundle::members;

namespace {

// Counters that hold a part of MemTotal and so can never exceed it (fs/proc/meminfo.c).
constexpr std::string_view kBounded[] = {"Active(anon)",   "Inactive(anon)", "Active(file)",
                                         "Inactive(file)", "Unevictable",    "Cached",
                                         "MemAvailable",   "AnonPages"};
// Counters both /proc/meminfo and each node's meminfo print (drivers/base/node.c), whose nodes
// add up to the host's.
constexpr std::string_view kPerNode[] = {"MemTotal",     "Active(anon)",   "Inactive(anon)",
                                         "Active(file)", "Inactive(file)", "Unevictable",
                                         "AnonPages"};
// The ledger's disjoint parts (accounting.cc), whose sum may not exceed MemTotal.
constexpr std::string_view kParts[] = {"MemFree",      "Active(anon)",   "Inactive(anon)",
                                       "Active(file)", "Inactive(file)", "Unevictable",
                                       "SReclaimable", "SUnreclaim",     "KernelStack",
                                       "PageTables",   "SecPageTables",  "Percpu"};

// How far a counter moved between the readings before and after the page tables (0 without the
// second reading).
uint64_t drift(const Context& c, std::string_view key) {
  if (!c.d.meminfo_after) return 0;
  const uint64_t b = c.meminfo(key).value_or(ByteCount()).value();
  const uint64_t a = c.d.meminfo_after->get(key).value_or(ByteCount(b)).value();
  return b > a ? b - a : a - b;
}

// The slack of the kernel's per-CPU counters, which are folded in batches (mm/vmstat.c): 1% of
// MemTotal, at least 4 MiB. A counter wrong by more than this and its drift is wrong, not late.
uint64_t slack(uint64_t mem_total) {
  return std::max<uint64_t>(mem_total / 100, 4ull << 20);
}

void aboveMemTotal(const Context& c, uint64_t total, report::CountersImpossibleFacts& facts) {
  for (std::string_view key : kBounded) {
    const auto v = c.meminfo(key);
    if (!v || v->value() <= total + drift(c, key)) continue;
    facts.counters.push_back({report::ImpossibleKind::kAboveMemTotal,
                              std::string(key),
                              *v,
                              ByteCount(total),
                              ByteCount(drift(c, key)),
                              {std::string(members::kMeminfo), std::string(key)}});
  }
}

void partsAboveMemTotal(const Context& c, uint64_t total, report::CountersImpossibleFacts& facts) {
  uint64_t sum = 0, moved = 0;
  std::string fields;
  for (std::string_view key : kParts) {
    const auto v = c.meminfo(key);
    if (!v) continue;
    sum += v->value();
    moved += drift(c, key);
    fields += (fields.empty() ? "" : ", ") + std::string(key);
  }
  const uint64_t allowed = moved + slack(total);
  if (sum <= total + allowed) return;
  facts.counters.push_back({report::ImpossibleKind::kPartsAboveMemTotal,
                            "",
                            ByteCount(sum),
                            ByteCount(total),
                            ByteCount(allowed),
                            {std::string(members::kMeminfo), fields}});
}

void nodesDisagree(const Context& c, uint64_t total, report::CountersImpossibleFacts& facts) {
  std::vector<parse::Meminfo> nodes;
  std::vector<parse::ParseIssue> ignored;  // the loader reported the nodes' malformed lines
  for (const auto& [name, text] : c.d.texts) {
    if (!members::isNodeMeminfo(name) || !text) continue;
    parse::IssueSink sink(name, ignored);
    nodes.push_back(parse::parseNodeMeminfo(text->text, sink).values);
  }
  if (nodes.empty()) return;
  for (std::string_view key : kPerNode) {
    const auto host = c.meminfo(key);
    if (!host) continue;
    uint64_t sum = 0;
    bool every = true;
    for (const parse::Meminfo& n : nodes) {
      const auto v = n.get(key);
      every = every && v.has_value();
      sum += v.value_or(ByteCount()).value();
    }
    const uint64_t allowed = drift(c, key) + slack(total);
    const uint64_t diff = sum > host->value() ? sum - host->value() : host->value() - sum;
    if (!every || diff <= allowed) continue;
    facts.counters.push_back(
        {report::ImpossibleKind::kNodesDisagree,
         std::string(key),
         ByteCount(sum),
         *host,
         ByteCount(allowed),
         {std::string(members::kNodeDir) + "/node*/meminfo", std::string(key)}});
  }
}

}  // namespace

void countersImpossible(Context& c) {
  const auto mem_total = c.meminfo("MemTotal");
  if (!mem_total || mem_total->value() == 0) return;
  const uint64_t total = mem_total->value();
  report::CountersImpossibleFacts facts;
  aboveMemTotal(c, total, facts);
  partsAboveMemTotal(c, total, facts);
  nodesDisagree(c, total, facts);
  if (facts.counters.empty()) return;
  facts.page_scan = c.d.census.has_value();
  Finding f;
  f.id = "counters-impossible";
  f.severity = Severity::kWarning;
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
