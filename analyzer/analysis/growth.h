// The Growth part of the report: what a snapshot series (BundleData::series) says about how the
// ledger, the memory cgroups and the processes moved over time.
#pragma once

#include <optional>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/growth.h"

namespace memsift::analysis {

// Nullopt for a bundle of one moment (no series, or fewer than two snapshots).
std::optional<report::Growth> buildGrowth(const BundleData& data);

// A process across snapshots: the same pid and start time (a reused pid is another process).
struct ProcessKey {
  int pid = 0;
  std::optional<uint64_t> start_time;
  auto operator<=>(const ProcessKey&) const = default;
};

}  // namespace memsift::analysis
