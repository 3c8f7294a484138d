// Progress line: "\r" plus erase-to-end-of-line redraws on stderr, throttled.
#include "collector/progress.h"

#include <unistd.h>

#include <cstdio>

namespace memsift::collector {

namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(200);
}

Progress::Progress(bool enabled)
    : enabled_(enabled), start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::phase(std::string_view name) {
  phase_ = name;
  if (enabled_) last_ = {};  // redraw at the next update
}

void Progress::update(uint64_t bytes_read, uint64_t bytes_written) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < kRedrawInterval) return;
  last_ = now;
  draw(bytes_read, bytes_written);
}

void Progress::draw(uint64_t bytes_read, uint64_t bytes_written) {
  double seconds = std::chrono::duration<double>(last_ - start_).count();
  double rate = seconds > 0 ? static_cast<double>(bytes_read) / seconds : 0;
  std::fprintf(stderr, "\r\033[Kmemsift-collect: %-12s %s read, %s written, %s/s, %.0f s",
               phase_.c_str(), humanBytes(bytes_read).c_str(), humanBytes(bytes_written).c_str(),
               humanBytes(static_cast<uint64_t>(rate)).c_str(), seconds);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

std::string humanBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  }
  return buf;
}

}  // namespace memsift::collector
