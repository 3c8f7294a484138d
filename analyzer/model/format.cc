// Formatting of figures (see format.h).
#include "analyzer/model/format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace memsift::report {
namespace {

constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

std::string formatBytes(ByteCount bytes) {
  uint64_t v = bytes.value();
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && v >= (uint64_t{1} << (10 * (unit + 1))))
    ++unit;
  std::string out;
  if (unit == 0) {
    appendUint(out, v);
    out += " B";
    return out;
  }
  // Tenths of the unit, rounded half up, in integers: the remainder times ten cannot overflow
  // because it is below 2^60 even for EiB.
  uint64_t div = uint64_t{1} << (10 * unit);
  uint64_t tenths = (v / div) * 10 + ((v % div) * 10 + div / 2) / div;
  if (tenths >= 10240 && unit + 1 < std::size(kUnits)) {
    ++unit;
    div <<= 10;
    tenths = (v / div) * 10 + ((v % div) * 10 + div / 2) / div;
  }
  appendUint(out, tenths / 10);
  if (tenths % 10 != 0) {
    out += '.';
    out += static_cast<char>('0' + tenths % 10);
  }
  out += ' ';
  out += kUnits[unit];
  return out;
}

std::string formatBytes(const std::optional<ByteCount>& bytes, std::string_view absent) {
  return bytes ? formatBytes(*bytes) : std::string(absent);
}

uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

std::string formatSignedBytes(int64_t bytes) {
  if (bytes >= 0) return formatBytes(ByteCount(static_cast<uint64_t>(bytes)));
  return std::string("-").append(formatBytes(ByteCount(magnitude(bytes))));
}

double shareOf(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string percentOf(uint64_t part, uint64_t whole) {
  return formatPercent(shareOf(part, whole));
}

std::string formatPercent(double share) {
  if (!std::isfinite(share)) return "n/a";
  if (share == 0) return "0%";
  double tenths = std::round(share * 1000);
  if (share > 0 && tenths == 0) return "<0.1%";
  char buf[32];
  if (std::fmod(tenths, 10) == 0) {
    std::snprintf(buf, sizeof buf, "%.0f%%", tenths / 10);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f%%", tenths / 10);
  }
  return buf;
}

std::string formatCount(uint64_t n) {
  std::string digits;
  appendUint(digits, n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string formatPfn(Pfn pfn) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(pfn.value()));
  return buf;
}

std::string formatPageSize(uint64_t bytes) {
  return formatBytes(ByteCount(bytes));
}

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "n/a";
  uint64_t s = static_cast<uint64_t>(seconds);
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llum %llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lluh %llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llud %lluh", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s % 86400 / 3600));
  }
  return buf;
}

}  // namespace memsift::report
