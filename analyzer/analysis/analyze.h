// From a loaded bundle to the report model: the ledger, the anonymous reconciliation, the page
// frame summary, the findings and the process and cgroup tables.
#pragma once

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/report/report.h"

namespace memsift::analysis {

struct AnalyzeOptions {
  size_t top = 20;          // rows in the process and cgroup tables
  size_t map_cells = 2048;  // at most this many cells in the physical memory map
};

report::Report analyze(const BundleData& data, const AnalyzeOptions& options = {});

// The parts, exposed for tests.
report::Ledger buildLedger(const BundleData& data);
report::AnonReconciliation reconcileAnon(const BundleData& data);
// MemFree against the zones and the page scan; nullopt without meminfo or zoneinfo.
std::optional<report::FreeReconciliation> reconcileFree(const BundleData& data);
// Frames the page scan lacks of what the host's tables held (damage, truncation); nullopt when
// the bundle cannot tell (cut, and no memory layout).
std::optional<PageCount> framesLost(const BundleData& data);
std::vector<report::Finding> findFindings(const BundleData& data, const report::Report& partial);

}  // namespace memsift::analysis
