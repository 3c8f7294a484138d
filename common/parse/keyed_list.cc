// The "key value" line format shared by /proc/vmstat and cgroup memory.stat.
#include "common/parse/keyed_list.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

KeyValues parseKeyValueLines(std::string_view text, IssueSink& issues) {
  KeyValues out;
  out.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    std::string_view rest = line.text;
    std::string_view key = nextField(rest);
    std::string_view number = nextField(rest);
    if (key.empty() && number.empty()) {
      issues.report(line.number, line.text, "empty line");
      return;
    }
    uint64_t v = 0;
    NumStatus st = parseU64(number, v);
    if (number.empty() || !trimBlanks(rest).empty()) {
      issues.report(line.number, line.text, "expected 'key value'");
    } else if (st != NumStatus::kOk) {
      issues.report(line.number, line.text,
                    "expected 'key value': " + std::string(numStatusText(st)));
    } else {
      out.add(key, v, line.number);
    }
  });
  out.finish(issues);
  return out;
}

}  // namespace memsift::parse
