// Parser for /proc/PID/statm.
#include "common/parse/statm.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

std::optional<Statm> parseStatm(std::string_view text, IssueSink& issues) {
  LineReader lines(text, &issues);
  Line line;
  if (!lines.next(line)) {
    issues.reportMember("empty file");
    return std::nullopt;
  }
  uint64_t v[7];
  std::string_view rest = line.text;
  for (uint64_t& x : v) {
    NumStatus st = parseU64(nextField(rest), x);
    if (st != NumStatus::kOk) {
      issues.report(
          line.number, line.text,
          "expected 'size resident shared text lib data dt': " + std::string(numStatusText(st)));
      return std::nullopt;
    }
  }
  if (!trimBlanks(rest).empty()) {
    issues.report(line.number, line.text, "expected 'size resident shared text lib data dt'");
    return std::nullopt;
  }
  while (lines.next(line)) {
    if (!line.text.empty()) issues.report(line.number, line.text, "unexpected extra line");
  }
  return Statm{PageCount(v[0]), PageCount(v[1]), PageCount(v[2]), PageCount(v[3]),
               PageCount(v[4]), PageCount(v[5]), PageCount(v[6])};
}

}  // namespace memsift::parse
