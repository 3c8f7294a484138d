// What the analyzer keeps of a snapshot series (memsift-collect --every/--count, issue 14 §1):
// per snapshot, the numbers that growth is computed from, and nothing else (the members
// themselves are not held, so a long series costs a few hundred bytes per process and cgroup per
// snapshot). The bundle's ordinary members are the series' final snapshot; it is the last element
// of `snapshots` too, filled from the same members the rest of the analysis reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/analysis/text_member.h"
#include "common/parse/meminfo.h"
#include "common/units.h"

namespace memsift::analysis {

// A memory cgroup in one snapshot: its counter file (memory.current or memory.usage_in_bytes)
// and the memory.stat lines growth is told in.
struct SeriesCgroup {
  int hierarchy = 0;
  std::string path;  // inside the hierarchy, "/" for its root, as in cgroups.tsv (unescaped)
  std::optional<ByteCount> usage;
  std::optional<ByteCount> stat_anon, stat_file, stat_shmem, stat_unevictable;
};

// A process in one snapshot, from its status, stat and smaps_rollup. Matched across snapshots by
// pid and start time (a reused pid is another process).
struct SeriesProcess {
  int pid = 0;
  std::optional<uint64_t> start_time;  // stat field 22: clock ticks after boot
  std::string comm;
  ByteCount vm_rss, rss_anon, rss_file, rss_shmem;
  std::optional<ByteCount> vm_pin;
  std::optional<ByteCount> pss;  // smaps_rollup
};

struct Snapshot {
  unsigned seq = 0;    // 1, 2, ... in the order taken; the final snapshot has the largest
  double seconds = 0;  // since the first snapshot, on the host's CLOCK_BOOTTIME
  std::optional<int64_t> unix_time;
  std::unique_ptr<TextMember> meminfo_text;  // `meminfo`'s views point into it
  std::optional<parse::Meminfo> meminfo;
  std::vector<SeriesCgroup> cgroups;     // memory cgroups, in walk order
  std::vector<SeriesProcess> processes;  // in pid order
  uint64_t kernel_log_records = 0;       // kernel log records new since the previous snapshot
  // The bundle's ordinary members (the full collection). Only the last snapshot can be; it is
  // not when the bundle was cut before them (the snapshots before the damage are kept).
  bool final = false;
};

struct SeriesData {
  std::optional<double> every_seconds;  // the interval asked for (--every)
  unsigned count_requested = 0;         // --count, or 0 for --for DURATION
  bool interrupted = false;             // the series ended early (SIGINT, --max-seconds, ...)
  std::vector<Snapshot> snapshots;      // at least two; the last is the bundle's own members
};

}  // namespace memsift::analysis
