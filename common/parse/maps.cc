// Parser for /proc/PID/maps.
#include "common/parse/maps.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {
constexpr std::string_view kExpected = "expected 'start-end perms offset major:minor inode [path]'";
}

bool parseMapsLine(std::string_view line, Mapping& out) {
  std::string_view rest = line;
  std::string_view range = nextField(rest);
  size_t dash = range.find('-');
  if (dash == std::string_view::npos) return false;
  if (parseU64(range.substr(0, dash), out.start, 16) != NumStatus::kOk) return false;
  if (parseU64(range.substr(dash + 1), out.end, 16) != NumStatus::kOk) return false;
  if (out.end < out.start) return false;

  out.perms = nextField(rest);
  if (out.perms.size() != 4) return false;

  if (parseU64(nextField(rest), out.offset, 16) != NumStatus::kOk) return false;

  std::string_view dev = nextField(rest);
  size_t colon = dev.find(':');
  if (colon == std::string_view::npos) return false;
  uint64_t major = 0, minor = 0;
  if (parseU64(dev.substr(0, colon), major, 16) != NumStatus::kOk || major > UINT32_MAX)
    return false;
  if (parseU64(dev.substr(colon + 1), minor, 16) != NumStatus::kOk || minor > UINT32_MAX)
    return false;
  out.dev_major = static_cast<uint32_t>(major);
  out.dev_minor = static_cast<uint32_t>(minor);

  if (parseU64(nextField(rest), out.inode) != NumStatus::kOk) return false;

  // The name follows padding; only the padding is removed, so a path ending in a blank stays.
  size_t i = 0;
  while (i < rest.size() && isBlank(rest[i]))
    ++i;
  out.path = rest.substr(i);
  return true;
}

size_t forEachMapping(std::string_view text, IssueSink& issues,
                      const std::function<void(const Mapping&)>& visit) {
  Mapping m;
  size_t n = 0;
  forEachLine(
      text, issues,
      [&](const Line& line) {
        if (!parseMapsLine(line.text, m)) {
          issues.report(line.number, line.text, kExpected);
          return;
        }
        m.line = line.number;
        visit(m);
        ++n;
      },
      /*empty_is_issue=*/false);
  return n;
}

std::vector<Mapping> parseMaps(std::string_view text, IssueSink& issues) {
  std::vector<Mapping> out;
  out.reserve(countLines(text));
  forEachMapping(text, issues, [&](const Mapping& m) { out.push_back(m); });
  return out;
}

}  // namespace memsift::parse
