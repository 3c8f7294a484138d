// Parser for /proc/slabinfo.
#include "common/parse/slabinfo.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {

constexpr std::string_view kExpected =
    "expected 'name active_objs num_objs objsize objperslab pagesperslab : tunables l b s : "
    "slabdata active_slabs num_slabs sharedavail'";

bool parseCacheLine(std::string_view line, SlabCache& c, NumStatus& st) {
  std::string_view rest = line;
  c.name = nextField(rest);
  uint64_t v[5];
  for (uint64_t& x : v) {
    if ((st = parseU64(nextField(rest), x)) != NumStatus::kOk) return false;
  }
  c.active_objs = v[0];
  c.num_objs = v[1];
  c.objsize = ByteCount(v[2]);
  c.objs_per_slab = v[3];
  c.pages_per_slab = PageCount(v[4]);
  st = NumStatus::kInvalid;
  if (nextField(rest) != ":" || nextField(rest) != "tunables") return false;
  for (int i = 0; i < 3; ++i) {
    uint64_t ignored = 0;
    if ((st = parseU64(nextField(rest), ignored)) != NumStatus::kOk) return false;
  }
  st = NumStatus::kInvalid;
  if (nextField(rest) != ":" || nextField(rest) != "slabdata") return false;
  uint64_t sharedavail = 0;
  if ((st = parseU64(nextField(rest), c.active_slabs)) != NumStatus::kOk) return false;
  if ((st = parseU64(nextField(rest), c.num_slabs)) != NumStatus::kOk) return false;
  if ((st = parseU64(nextField(rest), sharedavail)) != NumStatus::kOk) return false;
  st = NumStatus::kInvalid;
  return trimBlanks(rest).empty();
}

}  // namespace

Slabinfo parseSlabinfo(std::string_view text, IssueSink& issues) {
  Slabinfo out;
  out.caches.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    if (line.number == 1) {
      constexpr std::string_view kPrefix = "slabinfo - version: ";
      if (!line.text.starts_with(kPrefix)) {
        issues.report(line.number, line.text, "expected 'slabinfo - version: 2.1'");
        return;
      }
      out.version = trimBlanks(line.text.substr(kPrefix.size()));
      if (out.version != "2.1") {
        issues.report(line.number, line.text, "slabinfo version other than 2.1; parsed as 2.1");
      }
      return;
    }
    if (line.text.starts_with("#")) return;
    SlabCache c;
    NumStatus st = NumStatus::kInvalid;
    if (!parseCacheLine(line.text, c, st)) {
      std::string msg(kExpected);
      if (st == NumStatus::kOverflow) msg += ": " + std::string(numStatusText(st));
      issues.report(line.number, line.text, msg);
      return;
    }
    c.line = line.number;
    out.caches.push_back(c);
  });
  return out;
}

}  // namespace memsift::parse
