// The rule list: which rules run on what the bundle has, and the order of the findings.
#include "analyzer/analysis/findings/rules.h"
#include "analyzer/analysis/analyze.h"

#include <algorithm>

namespace memsift::analysis {

std::vector<report::Finding> findFindings(const BundleData& d, const report::Report& r) {
  using namespace findings;
  uint64_t total = r.host.mem_total.value();
  const PageSize page(d.page_size);
  if (total == 0 && d.census) total = page.toBytes(d.census->frames).value();
  Context c{d, std::max<uint64_t>(total, 1), page, {}};
  if (d.census) {
    unmappedAnonThp(c);
    unmappedAnon(c);
    partlyMappedThp(c);
    shmemUnmapped(c);
    zombieCgroups(c);
    countersDisagree(c, r);
  }
  if (d.meminfo) {
    countersImpossible(c);
    unexplainedAnonLru(c, r);
    markAnonLeaks(c);
    slabUnreclaimable(c);
    hugetlbUnused(c);
    kernelOverheads(c);
    ledgerResidual(c, r);
  }
  oomKills(c);
  thpCompactionFailures(c);
  numaImbalance(c);
  growingUnmapped(c, r);
  growingCgroups(c, r);
  // Largest first; findings without a size (events) after those with one, by severity.
  std::stable_sort(c.out.begin(), c.out.end(), [](const Finding& a, const Finding& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    return static_cast<int>(a.severity) > static_cast<int>(b.severity);
  });
  if (d.byte_order_suspect) byteOrderSuspect(c);
  return std::move(c.out);
}

}  // namespace memsift::analysis
