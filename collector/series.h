// A snapshot series (--every SECONDS --count N): N-1 cheap snapshots of the counters that tell
// growth, one every SECONDS, stored under series/K/ as they are taken (members.h, "Snapshot
// series"), then the ordinary full collection as snapshot N. Nothing of a snapshot is kept once
// its members and its own index (series/K/index.json) are written, so memory does not grow with N.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "collector/cgroup_mounts.h"
#include "collector/options.h"
#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"
#include "collector/text_reader.h"
#include "collector/unique_fd.h"

namespace memsift::collector {

class SnapshotSeries {
 public:
  SnapshotSeries(const SystemRoot& root, TextReader& text, Recorder& out, StopControl& stop,
                 const CollectOptions& options, const std::vector<CgroupHierarchy>& hierarchies);

  // Takes the cheap snapshots 1 .. N-1, the K-th (K-1) * every seconds after the first, then
  // waits until the final one is due. SIGINT/SIGTERM ends the series at once (a snapshot being
  // taken is cut, as a signal cuts any collection, and says so in the index); the caller then
  // takes the final collection all the same. With --dry-run: snapshot 1 only, without waiting.
  void run();
  // series/N/snapshot.json of the final snapshot (N = the cheap ones taken + 1): written right
  // before the ordinary collection, whose members are its data.
  void beginFinal();

  bool interrupted() const { return interrupted_; }
  // index.json's "series": {"snapshots", "requested", "every_seconds", "interrupted",
  // "wrapped"}.
  nlohmann::json indexJson() const;

 private:
  using Clock = std::chrono::steady_clock;
  void snapshot(unsigned seq);
  void info(unsigned seq, bool final);
  void kernelLog(unsigned seq);
  // Sleeps until `due`; false when a stop signal arrived first.
  bool waitUntil(Clock::time_point due);

  const SystemRoot& root_;
  TextReader& text_;
  Recorder& out_;
  StopControl& stop_;
  const CollectOptions& options_;
  const std::vector<CgroupHierarchy>& hierarchies_;
  // /dev/kmsg, open for the whole series: each open file has its own position in the log
  // (kernel/printk/printk.c, devkmsg_open()), so each read returns the records since the last.
  UniqueFd kmsg_;
  int kmsg_err_ = 0;
  bool kmsg_opened_ = false;
  unsigned taken_ = 0;  // snapshots taken, the final one included once begun
  bool interrupted_ = false;
};

}  // namespace memsift::collector
