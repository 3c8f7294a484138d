// Kernel eras by release (see kernel_era.h).
#include "testdata/gen/kernel_era.h"

#include <charconv>

namespace memsift::testgen {

Era eraOfRelease(std::string_view release) {
  unsigned major = 0, minor = 0;
  const char* p = release.data();
  const char* end = p + release.size();
  auto r = std::from_chars(p, end, major);
  if (r.ec == std::errc() && r.ptr != end && *r.ptr == '.') std::from_chars(r.ptr + 1, end, minor);
  const unsigned v = major * 1000 + minor;
  if (v < 5000) return Era::k418;
  if (v < 6010) return Era::k61;
  if (v < 6015) return Era::k612;
  return Era::k6x;
}

std::string_view eraName(Era e) {
  switch (e) {
    case Era::k418:
      return "4.18";
    case Era::k61:
      return "6.1";
    case Era::k612:
      return "6.12";
    case Era::k6x:
      break;
  }
  return "6.x";
}

}  // namespace memsift::testgen
