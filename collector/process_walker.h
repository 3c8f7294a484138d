// Reads every process's memory-relevant files (/proc/PID/{status,stat,statm,cmdline,comm,cgroup,
// oom_score_adj,maps,smaps_rollup,smaps}), the census of its descriptors that can hold memory
// (process-fds.tsv, fd_census.h) and the fdinfo of its io_uring instances. Processes come and go
// while this runs: one that exits after /proc was listed, or while its files are read, is recorded
// as vanished, never as an error. Never reads environ or memory contents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "collector/fd_census.h"
#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"
#include "collector/text_reader.h"
#include "collector/tsv_member.h"

namespace memsift::collector {

struct ProcessWalkOptions {
  bool smaps = true;                 // false: --no-smaps (smaps_rollup only)
  std::optional<uint64_t> max_pids;  // --max-pids
  bool redact = false;               // hash cmdline arguments
  // A cheap snapshot of a series: only members::kSeriesProcessFiles, stored under this prefix
  // ("series/3/proc/PID/status"); no descriptor census. Empty: the full collection.
  std::string snapshot_prefix;
};

class ProcessWalker {
 public:
  ProcessWalker(const SystemRoot& root, TextReader& text, Recorder& out, StopControl& stop,
                const ProcessWalkOptions& options);
  // Walks DIR/proc. Records "proc" as truncated (--max-pids) or timeout/truncated (a stop).
  void run();

  uint64_t processesRead() const { return read_; }
  uint64_t processesVanished() const { return vanished_; }

 private:
  // Reads one process's files; false if it vanished.
  bool readProcess(int proc_fd, const char* pid);
  // name_ is the smaps_rollup of a process without an address space (a kernel thread).
  void noAddressSpace(bool snapshot);
  // The descriptor census of one process: a row of process-fds.tsv, and fdinfo/N of each
  // io_uring descriptor (its registered buffers), before maps, which the analysis checks them
  // against.
  void readDescriptors(int pid_fd, const char* pid, const std::string& dir_name);

  const SystemRoot& root_;
  TextReader& text_;
  Recorder& out_;
  StopControl& stop_;
  ProcessWalkOptions options_;
  std::string name_;  // member name buffer, reused
  uint64_t read_ = 0, vanished_ = 0;
  FdCensusReader fds_;
  std::optional<TsvMember> fd_table_;  // process-fds.tsv; none in a dry run
};

}  // namespace memsift::collector
