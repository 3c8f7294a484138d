// When collection must stop early: SIGINT/SIGTERM, or the --max-seconds deadline. Readers poll
// it between reads, so a stop takes effect within one read (at most 1 MiB of a page table).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace memsift::collector {

enum class StopReason { kNone, kSignal, kDeadline };

class StopControl {
 public:
  using Clock = std::chrono::steady_clock;

  // Installs the SIGINT/SIGTERM handlers (without SA_RESTART, so that a read blocked on a slow
  // source returns EINTR and the reader sees the stop). A second signal does not wait for the
  // bundle to be finished: it removes `temporary_path` (if not empty) and exits at once, so that
  // nothing is left under a temporary name even then. Also ignores SIGPIPE: a closed stdout is
  // an EPIPE write error, reported like any other.
  static void installSignalHandlers();
  // The temporary output file the second-signal path removes (copied; may be changed later).
  static void setTemporaryPath(const std::string& path);
  // For tests and for main(): which signal arrived last (0 if none).
  static int signalReceived();
  // How many stop signals may arrive before the next one exits at once: 1, or 2 while a
  // snapshot series runs (the first ends the series, the second stops the final collection
  // as the first stops any collection, the third does not wait).
  static void setSignalsBeforeExit(int signals);

  // Forgets a stop by the signals received so far: the one that ended a snapshot series is no
  // reason to stop the final collection, which is taken all the same.
  void resumeAfterSignals();

  void setDeadline(std::chrono::duration<double> budget);
  // Polls the signal flag and the deadline; once it returns a reason, it keeps returning it.
  StopReason check();
  StopReason reason() const { return reason_; }
  // "SIGTERM", "--max-seconds 5": for the index and the summary.
  std::string describe() const;

 private:
  std::optional<Clock::time_point> deadline_;
  double budget_seconds_ = 0;
  StopReason reason_ = StopReason::kNone;
  int signals_ignored_ = 0;
};

}  // namespace memsift::collector
