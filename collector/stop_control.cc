// Signal handling and the deadline. The handlers only touch a sig_atomic_t and, on a second
// signal, call async-signal-safe unlink(2) and _exit(2) (signal-safety(7)).
#include "collector/stop_control.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>

#include "common/exit_codes.h"

namespace memsift::collector {

namespace {

volatile sig_atomic_t g_signal = 0;
// Signals received, and how many are taken as a request to stop before one exits at once.
volatile sig_atomic_t g_signals = 0;
volatile sig_atomic_t g_signals_before_exit = 1;
// A fixed buffer, not a std::string: the handler may not allocate or read a moving pointer.
char g_temporary_path[4096] = {};

extern "C" void onStopSignal(int sig) {
  if (g_signals >= g_signals_before_exit) {
    if (g_temporary_path[0] != '\0') ::unlink(g_temporary_path);
    ::_exit(kExitInterrupted);
  }
  g_signal = sig;
  g_signals = g_signals + 1;
}

}  // namespace

void StopControl::installSignalHandlers() {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocked reads must return EINTR
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  ::sigaction(SIGPIPE, &ign, nullptr);
}

void StopControl::setTemporaryPath(const std::string& path) {
  // Block the stop signals while the buffer changes, so the handler never sees half a path.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &block, &old);
  if (path.size() < sizeof g_temporary_path) {
    memcpy(g_temporary_path, path.c_str(), path.size() + 1);
  } else {
    g_temporary_path[0] = '\0';
  }
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
}

int StopControl::signalReceived() {
  return g_signal;
}

void StopControl::setSignalsBeforeExit(int signals) {
  g_signals_before_exit = signals;
}

void StopControl::resumeAfterSignals() {
  signals_ignored_ = g_signals;
  if (reason_ == StopReason::kSignal) reason_ = StopReason::kNone;
}

void StopControl::setDeadline(std::chrono::duration<double> budget) {
  budget_seconds_ = budget.count();
  deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(budget);
}

StopReason StopControl::check() {
  if (reason_ != StopReason::kNone) return reason_;
  if (g_signals > signals_ignored_) {
    reason_ = StopReason::kSignal;
  } else if (deadline_ && Clock::now() >= *deadline_) {
    reason_ = StopReason::kDeadline;
  }
  return reason_;
}

std::string StopControl::describe() const {
  switch (reason_) {
    case StopReason::kNone:
      return {};
    case StopReason::kSignal: {
      const char* abbrev = sigabbrev_np(g_signal);
      return std::string("SIG") + (abbrev != nullptr ? abbrev : std::to_string(g_signal).c_str());
    }
    case StopReason::kDeadline: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "--max-seconds %g", budget_seconds_);
      return buf;
    }
  }
  return {};
}

}  // namespace memsift::collector
