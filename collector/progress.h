// The one-line progress display on a terminal: phase, bytes read and written, read rate.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace memsift::collector {

class Progress {
 public:
  // Draws only when `enabled` (stderr is a terminal and not --quiet); otherwise every call is a
  // no-op, so callers never need to check.
  explicit Progress(bool enabled);

  void phase(std::string_view name);
  // Redraws at most a few times a second: cheap enough to call after every member.
  void update(uint64_t bytes_read, uint64_t bytes_written);
  // Erases the line (before the summary or an error message is printed).
  void clear();

 private:
  void draw(uint64_t bytes_read, uint64_t bytes_written);
  bool enabled_;
  bool drawn_ = false;
  std::string phase_;
  std::chrono::steady_clock::time_point start_, last_;
};

// "1.5 MiB": human-readable sizes for the progress line and the summary.
std::string humanBytes(uint64_t bytes);

}  // namespace memsift::collector
