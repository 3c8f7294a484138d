// Parser for /proc/PID/status.
#include "common/parse/status.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

std::optional<ByteCount> ProcStatus::bytes(std::string_view key) const {
  auto v = fields.value(key);
  ByteCount b;
  if (!v || parseKibAsBytes(*v, b) != NumStatus::kOk) return std::nullopt;
  return b;
}

std::optional<uint64_t> ProcStatus::number(std::string_view key) const {
  auto v = fields.value(key);
  uint64_t n = 0;
  if (!v || parseU64(*v, n) != NumStatus::kOk) return std::nullopt;
  return n;
}

ProcStatus parseStatus(std::string_view text, IssueSink& issues) {
  ProcStatus out;
  out.fields.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    std::string_view key, value;
    if (!splitKeyColonValue(line.text, key, value)) {
      issues.report(line.number, line.text, "expected 'Key:\\tvalue'");
      return;
    }
    if (value.ends_with(" kB")) {
      ByteCount b;
      NumStatus st = parseKibAsBytes(value, b);
      if (st != NumStatus::kOk) {
        issues.report(line.number, line.text,
                      "expected 'Key:\\tvalue kB': " + std::string(numStatusText(st)));
      }
    }
    out.fields.add(key, value, line.number);
  });
  out.fields.finish(issues);
  return out;
}

}  // namespace memsift::parse
