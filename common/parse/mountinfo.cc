// Parser for /proc/PID/mountinfo and /proc/mounts.
#include "common/parse/mountinfo.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {

constexpr std::string_view kExpectedMountinfo =
    "expected 'id parent major:minor root mount_point options [optional...] - fstype source "
    "super_options'";
constexpr std::string_view kExpectedMounts = "expected 'source mount_point fstype options 0 0'";

bool parseMountinfoLine(std::string_view line, MountEntry& e) {
  std::string_view rest = line;
  uint64_t id = 0, parent = 0, major = 0, minor = 0;
  if (parseU64(nextField(rest), id) != NumStatus::kOk) return false;
  if (parseU64(nextField(rest), parent) != NumStatus::kOk) return false;
  std::string_view dev = nextField(rest);
  size_t colon = dev.find(':');
  if (colon == std::string_view::npos) return false;
  // Decimal here, unlike maps (show_mountinfo uses "%u:%u").
  if (parseU64(dev.substr(0, colon), major) != NumStatus::kOk || major > UINT32_MAX) return false;
  if (parseU64(dev.substr(colon + 1), minor) != NumStatus::kOk || minor > UINT32_MAX) return false;
  e.mount_id = id;
  e.parent_id = parent;
  e.dev_major = static_cast<uint32_t>(major);
  e.dev_minor = static_cast<uint32_t>(minor);
  e.root = nextField(rest);
  e.mount_point = nextField(rest);
  e.options = nextField(rest);
  if (e.options.empty()) return false;
  // Optional fields run up to a lone "-".
  const char* opt_begin = nullptr;
  const char* opt_end = nullptr;
  for (std::string_view f = nextField(rest);; f = nextField(rest)) {
    if (f.empty()) return false;
    if (f == "-") break;
    if (!opt_begin) opt_begin = f.data();
    opt_end = f.data() + f.size();
  }
  if (opt_begin) e.optional_fields = std::string_view(opt_begin, opt_end - opt_begin);
  e.fs_type = nextField(rest);
  e.source = nextField(rest);
  e.super_options = nextField(rest);
  return !e.super_options.empty() && trimBlanks(rest).empty();
}

bool parseMountsLine(std::string_view line, MountEntry& e) {
  std::string_view rest = line;
  e.source = nextField(rest);
  e.mount_point = nextField(rest);
  e.fs_type = nextField(rest);
  e.options = nextField(rest);
  uint64_t freq = 0, passno = 0;
  if (parseU64(nextField(rest), freq) != NumStatus::kOk) return false;
  if (parseU64(nextField(rest), passno) != NumStatus::kOk) return false;
  return trimBlanks(rest).empty();
}

template <typename ParseLine>
std::vector<MountEntry> parseTable(std::string_view text, IssueSink& issues, ParseLine parse,
                                   std::string_view expected) {
  std::vector<MountEntry> out;
  out.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    MountEntry e;
    if (!parse(line.text, e)) {
      issues.report(line.number, line.text, expected);
      return;
    }
    e.line = line.number;
    out.push_back(e);
  });
  return out;
}

}  // namespace

std::vector<MountEntry> parseMountinfo(std::string_view text, IssueSink& issues) {
  return parseTable(text, issues, parseMountinfoLine, kExpectedMountinfo);
}

std::vector<MountEntry> parseMounts(std::string_view text, IssueSink& issues) {
  return parseTable(text, issues, parseMountsLine, kExpectedMounts);
}

std::vector<MountEntry> parseMountTable(std::string_view text, IssueSink& issues) {
  std::string_view first = text.substr(0, text.find('\n'));
  uint64_t a = 0, b = 0;
  bool mountinfo = parseU64(nextField(first), a) == NumStatus::kOk &&
                   parseU64(nextField(first), b) == NumStatus::kOk;
  return mountinfo ? parseMountinfo(text, issues) : parseMounts(text, issues);
}

std::string unescapeMountField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  auto isOct = [](char c) { return c >= '0' && c <= '7'; };
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && isOct(field[i + 1]) && isOct(field[i + 2]) &&
        isOct(field[i + 3])) {
      out += static_cast<char>(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) |
                               (field[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += field[i];
  }
  return out;
}

}  // namespace memsift::parse
