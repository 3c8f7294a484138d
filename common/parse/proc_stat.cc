// /proc/PID/stat: starttime.
#include "common/parse/proc_stat.h"

#include "common/parse/fields.h"

namespace memsift::parse {

std::optional<uint64_t> statStartTime(std::string_view stat) {
  const size_t paren = stat.rfind(')');
  if (paren == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(paren + 1);
  // Fields 3 (state) onwards follow ") "; starttime is the 20th of them.
  for (int field = 3; field <= 22; ++field) {
    while (!rest.empty() && rest.front() == ' ')
      rest.remove_prefix(1);
    const size_t end = rest.find_first_of(" \n");
    const std::string_view value = rest.substr(0, end);
    if (value.empty()) return std::nullopt;
    if (field == 22) {
      uint64_t v = 0;
      if (parseU64(value, v) != NumStatus::kOk) return std::nullopt;
      return v;
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  return std::nullopt;
}

}  // namespace memsift::parse
