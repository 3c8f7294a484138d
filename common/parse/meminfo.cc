// Parser for /proc/meminfo and the per-node meminfo files.
#include "common/parse/meminfo.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {

constexpr std::string_view kExpected = "expected 'Key: value kB'";

// Parses "Key:<pad>value[ kB]" into `out`, or reports why not.
void parseMeminfoLine(std::string_view body, const Line& line, IssueSink& issues,
                      KeyedList<MeminfoValue>& out) {
  std::string_view key, value;
  if (!splitKeyColonValue(body, key, value)) {
    issues.report(line.number, line.text, kExpected);
    return;
  }
  // Only hugetlb_report_meminfo() prints counts without a unit (mm/hugetlb.c).
  if (key.starts_with("HugePages_")) {
    uint64_t n = 0;
    NumStatus st = parseU64(value, n);
    if (st != NumStatus::kOk) {
      issues.report(line.number, line.text,
                    "expected 'HugePages_*: count': " + std::string(numStatusText(st)));
      return;
    }
    out.add(key, MeminfoValue{false, n}, line.number);
    return;
  }
  ByteCount bytes;
  NumStatus st = parseKibAsBytes(value, bytes);
  if (st == NumStatus::kOverflow) {
    issues.report(line.number, line.text,
                  std::string(kExpected) + ": " + std::string(numStatusText(st)));
    return;
  }
  if (st != NumStatus::kOk) {
    issues.report(line.number, line.text, kExpected);
    return;
  }
  out.add(key, MeminfoValue{true, bytes.value()}, line.number);
}

}  // namespace

std::optional<ByteCount> Meminfo::get(std::string_view key) const {
  const auto* e = entries.find(key);
  if (!e || !e->value.is_size) return std::nullopt;
  return ByteCount(e->value.number);
}

std::optional<uint64_t> Meminfo::count(std::string_view key) const {
  const auto* e = entries.find(key);
  if (!e || e->value.is_size) return std::nullopt;
  return e->value.number;
}

Meminfo parseMeminfo(std::string_view text, IssueSink& issues) {
  Meminfo out;
  auto& entries = out.entries;
  entries.reserve(countLines(text));
  forEachLine(text, issues,
              [&](const Line& line) { parseMeminfoLine(line.text, line, issues, entries); });
  entries.finish(issues);
  return out;
}

NodeMeminfo parseNodeMeminfo(std::string_view text, IssueSink& issues) {
  NodeMeminfo out;
  auto& entries = out.values.entries;
  entries.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    // drivers/base/node.c: "Node %d " before each meminfo-style key.
    std::string_view rest = line.text;
    std::string_view word = nextField(rest);
    std::string_view number = nextField(rest);
    uint64_t node = 0;
    if (word != "Node" || parseU64(number, node) != NumStatus::kOk || node > UINT32_MAX) {
      issues.report(line.number, line.text, "expected 'Node N Key: value kB'");
      return;
    }
    if (!out.node) {
      out.node = static_cast<unsigned>(node);
    } else if (*out.node != node) {
      issues.report(line.number, line.text,
                    "line of node " + std::to_string(node) + " in the file of node " +
                        std::to_string(*out.node));
      return;
    }
    parseMeminfoLine(trimBlanks(rest), line, issues, entries);
  });
  entries.finish(issues);
  return out;
}

}  // namespace memsift::parse
