// Growth over a snapshot series (memsift-collect --every/--count, issue 14 §1): per ledger line,
// per memory cgroup and per process, how a figure moved from the first snapshot to the last, how
// fast (bytes per hour, the least-squares slope over every snapshot) and how steadily, with the
// samples themselves for charts. Plain data: analysis/growth.cc fills it, the renderers show it
// (report/growth_view.h), the growing-* findings quote it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memsift::report {

// One figure in one snapshot. Bytes are signed: the ledger's residual may be below zero.
struct GrowthSample {
  double seconds = 0;  // since the first snapshot
  int64_t bytes = 0;
};

// One figure over the series, in the snapshots that have it.
struct GrowthSeries {
  std::string id;     // ledger line id ("anon_lru_active", "residual"), or the figure's
                      // ("usage", "anon", "vm_rss", ...)
  std::string label;  // for people: "Anonymous LRU, active (incl. shmem)", "RssAnon"
  std::vector<GrowthSample> samples;  // in snapshot order
  int64_t first = 0, last = 0;        // the first and last samples' bytes
  double bytes_per_hour = 0;          // least-squares slope over every sample
  double r_squared = 0;               // how much of the movement the slope explains, 0..1
  double grew_share = 0;              // of the intervals between samples, those that grew
  // The growth is steady (analysis/growth_fit.h says what that takes): not noise.
  bool steady = false;
  // Where the steady growth starts: the last sample at the series' lowest point before it
  // grew (seconds since the first snapshot); nullopt when it does not grow steadily.
  std::optional<double> since_seconds;

  int64_t change() const { return last - first; }
};

struct GrowthCgroup {
  std::string path;  // inside its hierarchy, "/" for the root
  // memory.current / usage_in_bytes and memory.stat anon, file, shmem, where the series has them.
  std::vector<GrowthSeries> figures;
};

struct GrowthProcess {
  int pid = 0;
  std::optional<uint64_t> start_time;  // clock ticks after boot: with the pid, who it is
  std::string comm;
  std::vector<GrowthSeries> figures;  // VmRSS, RssAnon, VmPin, Pss, where the series has them
};

struct Growth {
  uint64_t snapshots = 0;
  double seconds = 0;  // from the first snapshot to the last
  std::optional<int64_t> first_unix_time, last_unix_time;
  std::optional<double> every_seconds;  // the interval asked for (--every)
  bool interrupted = false;             // the series ended before --count
  std::vector<GrowthSeries> ledger;     // every ledger line in the ledger's order, then residual
  // The cgroups and processes whose figures moved, at most kMaxGrowthRows of each: those with a
  // steadily growing figure first, then the fastest (the largest |bytes per hour| of any of their
  // figures); the counts are of all that moved.
  std::vector<GrowthCgroup> cgroups;
  uint64_t cgroups_moved = 0;
  std::vector<GrowthProcess> processes;
  uint64_t processes_moved = 0;
};

// Rows kept per table: enough to see every leaking workload on a host, few enough that a report
// of a host with thousands of processes stays readable and its HTML charts few.
inline constexpr size_t kMaxGrowthRows = 10;

}  // namespace memsift::report
