// The snapshot series: timing, the cheap snapshot (the existing readers with a member prefix),
// and what the bundle records of it.
#include "collector/series.h"

#include <fcntl.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "collector/cgroup_walker.h"
#include "collector/process_walker.h"
#include "collector/system_reader.h"
#include "common/bundle/members.h"

namespace memsift::collector {

namespace {

namespace members = bundle::members;

// The longest sleep between two looks at the stop flag: a signal that lands between the look
// and the sleep is seen this late at most.
constexpr std::chrono::milliseconds kWaitSlice{100};

// CLOCK_BOOTTIME: it counts a suspend too, so the seconds between snapshots are the host's
// (clock_gettime(2)); the analysis measures growth against it.
double bootTimeSeconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

SnapshotSeries::SnapshotSeries(const SystemRoot& root, TextReader& text, Recorder& out,
                               StopControl& stop, const CollectOptions& options,
                               const std::vector<CgroupHierarchy>& hierarchies)
    : root_(root),
      text_(text),
      out_(out),
      stop_(stop),
      options_(options),
      hierarchies_(hierarchies) {}

bool SnapshotSeries::waitUntil(Clock::time_point due) {
  while (stop_.check() == StopReason::kNone) {
    const Clock::time_point now = Clock::now();
    if (now >= due) return true;
    const auto slice = std::min<Clock::duration>(due - now, kWaitSlice);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(slice).count();
    const timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    ::nanosleep(&ts, nullptr);  // EINTR on a stop signal: the loop's check sees it
  }
  return false;
}

void SnapshotSeries::run() {
  const Clock::time_point start = Clock::now();
  const auto every = std::chrono::duration<double>(options_.every_seconds);
  auto due = [&](unsigned seq) {
    return start + std::chrono::duration_cast<Clock::duration>(every * (seq - 1));
  };
  const unsigned cheap = options_.dry_run ? 1 : options_.series_count - 1;
  for (unsigned seq = 1; seq <= cheap; ++seq) {
    // A snapshot that overran its interval is followed at once, not by a burst to catch up:
    // the schedule is fixed from the start, so a late one does not delay all after it.
    if (!waitUntil(due(seq))) break;
    snapshot(seq);
    if (stop_.check() != StopReason::kNone) break;
  }
  if (!options_.dry_run) waitUntil(due(options_.series_count));
  interrupted_ = stop_.check() == StopReason::kSignal;
}

void SnapshotSeries::info(unsigned seq, bool final) {
  const nlohmann::json j = {{"seq", seq},
                            {"boottime_seconds", bootTimeSeconds()},
                            {"unix_time", static_cast<int64_t>(std::time(nullptr))},
                            {"final", final}};
  out_.member(members::seriesMember(seq, members::kSnapshotInfo), j.dump() + "\n");
  taken_ = seq;
}

void SnapshotSeries::snapshot(unsigned seq) {
  out_.progress().phase("snapshot " + std::to_string(seq) + "/" +
                        std::to_string(options_.series_count));
  // Inside series wrappers, with series/K/index.json last: the writer forgets the snapshot once
  // it is written (docs/bundle-format.md, "Snapshot series").
  out_.beginSnapshot(seq);
  info(seq, false);
  const std::string prefix = members::seriesMember(seq, "");
  SystemReader system(root_, text_, out_, stop_, options_.redact);
  for (std::string_view f : members::kSeriesSystemFiles)
    system.file(f, members::seriesMember(seq, f));
  CgroupWalker cgroups(root_, text_, out_, stop_);
  if (stop_.check() == StopReason::kNone) cgroups.runSnapshot(hierarchies_, prefix);
  ProcessWalker processes(root_, text_, out_, stop_,
                          {.smaps = false,
                           .max_pids = options_.max_pids,
                           .redact = options_.redact,
                           .snapshot_prefix = prefix});
  if (stop_.check() == StopReason::kNone) processes.run();
  kernelLog(seq);
  out_.endSnapshot();
}

void SnapshotSeries::kernelLog(unsigned seq) {
  const std::string name = members::seriesMember(seq, members::kKernelLog);
  if (stop_.check() != StopReason::kNone) {
    recordNotReached(out_, stop_, name);
    return;
  }
  if (!kmsg_opened_) {
    kmsg_opened_ = true;
    kmsg_ = root_.open(std::string(members::kKernelLog), O_NONBLOCK, kmsg_err_);
  }
  if (!kmsg_.valid()) {
    // Opened once for the whole series, so the reason is the same for every snapshot: recorded
    // with the first, whose member the later ones lack as well.
    if (seq == 1) out_.source(name, statusForErrno(kmsg_err_), errnoDetail(kmsg_err_));
    return;
  }
  if (out_.dryRun()) {
    out_.planned(name);
    return;
  }
  // Without records since the last read, an empty member: the snapshot looked and found none.
  ReadResult r = text_.read(kmsg_.get(), name, TextKind::kRecords);
  if (r.status != SourceStatus::kOk) out_.source(name, r.status, r.detail);
}

void SnapshotSeries::beginFinal() {
  out_.progress().phase("final snapshot");
  // A dry run takes snapshot 1 alone, but lists the final snapshot's name as a run would.
  info(options_.dry_run ? options_.series_count : taken_ + 1, true);
}

nlohmann::json SnapshotSeries::indexJson() const {
  return {{"snapshots", taken_},
          {"requested", options_.series_count},
          {"every_seconds", options_.every_seconds},
          {"interrupted", interrupted_},
          {"wrapped", true}};
}

}  // namespace memsift::collector
