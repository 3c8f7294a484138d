// Parser for /proc/PID/cgroup.
#include "common/parse/proc_cgroup.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

bool CgroupMembership::hasController(std::string_view controller) const {
  std::string_view rest = controllers;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    if (rest.substr(0, comma) == controller) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

std::vector<CgroupMembership> parseProcCgroup(std::string_view text, IssueSink& issues) {
  std::vector<CgroupMembership> out;
  out.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    std::string_view t = line.text;
    size_t c1 = t.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : t.find(':', c1 + 1);
    uint64_t id = 0;
    NumStatus st =
        c1 == std::string_view::npos ? NumStatus::kInvalid : parseU64(t.substr(0, c1), id);
    if (c2 == std::string_view::npos || st != NumStatus::kOk || id > UINT32_MAX ||
        t.size() == c2 + 1) {
      issues.report(line.number, line.text, "expected 'hierarchy-ID:controllers:path'");
      return;
    }
    out.push_back(CgroupMembership{static_cast<uint32_t>(id), t.substr(c1 + 1, c2 - c1 - 1),
                                   t.substr(c2 + 1), line.number});
  });
  return out;
}

std::optional<std::string_view> memoryCgroupPath(const std::vector<CgroupMembership>& entries) {
  std::optional<std::string_view> v2;
  for (const CgroupMembership& e : entries) {
    if (e.hasController("memory")) return e.path;
    if (e.isV2()) v2 = e.path;
  }
  return v2;
}

}  // namespace memsift::parse
