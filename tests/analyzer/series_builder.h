// Snapshot series made in memory for the growth tests, until bundles carry them: a loaded
// bundle's own figures (meminfo, memory cgroups, processes) repeated over N snapshots, each
// figure moved by a known rate and, on request, by deterministic jitter.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "analyzer/analysis/bundle_data.h"

namespace memsift::test {

struct SeriesPlan {
  unsigned count = 6;
  double every = 1;                      // seconds between snapshots
  int64_t first_unix_time = 1796313600;  // 2026-12-03T16:00:00Z
  // meminfo keys grown by bytes per second. MemFree gives back what the ledger's other lines take
  // (the host's memory is conserved); a rate for MemFree itself is memory taken (or given back)
  // by nothing those lines count: the ledger's residual moves the other way.
  std::map<std::string, double> meminfo;
  // Memory cgroups by path: usage and memory.stat anon grown by bytes per second.
  std::map<std::string, double> cgroup_usage, cgroup_anon;
  // Processes by pid: RssAnon and VmRSS grown by bytes per second.
  std::map<int, double> process_anon;
  // Every figure also moves by up to ±jitter of itself (a share), drawn from `seed`; in meminfo
  // MemFree takes the other side of each line's jitter, as on a host.
  double jitter = 0;
  uint32_t seed = 1;
};

// The series of `d` (which it does not change) under `plan`; the last snapshot has the moved
// figures too, so the final snapshot need not equal the bundle's members.
analysis::SeriesData makeSeries(const analysis::BundleData& d, const SeriesPlan& plan);

// A bundle of a corpus case (memsift-testgen CASE, collected with memsift-collect --root),
// loaded; `dir` keeps the files.
analysis::BundleData loadCorpusCase(const std::string& case_name, const std::string& dir);

}  // namespace memsift::test
