// From a loaded bundle to the report model: the ledger, the anonymous reconciliation, the page
// frame summary, the findings and the process and cgroup tables.
#pragma once

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/report.h"

#include <optional>
#include <string>
#include <vector>

namespace memsift::analysis {

struct AnalyzeOptions {
  size_t top = 20;  // rows in the process and cgroup tables
  // At most this many cells in the physical memory map, and never more than
  // report::kMaxMapCells.
  size_t map_cells = 2048;
};

report::Report analyze(const BundleData& data, const AnalyzeOptions& options = {});

// The parts, exposed for tests.
report::Ledger buildLedger(const BundleData& data);
// The same from one meminfo (a snapshot's, in a series), read where it is.
report::Ledger buildLedger(const parse::Meminfo& meminfo);
report::AnonReconciliation reconcileAnon(const BundleData& data);
// MemFree against the zones and the page scan; nullopt without meminfo or zoneinfo.
std::optional<report::FreeReconciliation> reconcileFree(const BundleData& data);
// Frames the page scan lacks of what the host's tables held (damage, truncation); nullopt when
// the bundle cannot tell (cut, and no memory layout).
std::optional<PageCount> framesLost(const BundleData& data);
std::vector<report::Finding> findFindings(const BundleData& data, const report::Report& partial);

// A page size that the bundle's own counts contradict: frames x page size is every byte figure of
// the page scan, so a wrong one (a --root replay of a 64 KiB arm64 host read as 4 KiB) makes
// them all wrong by one factor. Checked against MemTotal two ways: the zones' present pages
// (proc/zoneinfo), which hold MemTotal and not much more, and the end of the page-frame tables,
// beyond which no memory can be.
struct PageSizeConflict {
  report::PageSizeFacts facts;  // what the counts imply, and which counts
  report::Limitation limitation;
};
std::optional<PageSizeConflict> checkPageSize(const BundleData& data);
// The finding that puts it first in the report (id page-size-mismatch, critical).
report::Finding pageSizeFinding(const PageSizeConflict& conflict);

}  // namespace memsift::analysis
