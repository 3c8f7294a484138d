// Two bundles of one host compared (issue 14): each is loaded and analysed as for a report, and
// the two results are set side by side (model/diff.h). Whether they are of one host and boot is
// found here; refusing a comparison that is not is the caller's decision (--force).
#pragma once

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/diff.h"
#include "analyzer/model/report.h"

namespace memsift::analysis {

struct AnalysedBundle {
  const BundleData& data;
  const report::Report& report;
};

struct DiffOptions {
  size_t top = 20;  // rows of the cgroup, process and category-by-cgroup changes
};

report::DiffReport diffBundles(const AnalysedBundle& before, const AnalysedBundle& after,
                               const DiffOptions& options = {});

// Seconds since the epoch of an ISO 8601 UTC time as the collector writes it
// ("2026-12-03T10:00:00Z", fractions ignored); nullopt if it is not one.
std::optional<double> parseUtcTime(std::string_view iso);

}  // namespace memsift::analysis
