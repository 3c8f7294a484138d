// cgroups.tsv, memory-blocks.tsv and process-fds.tsv: member names, field escaping and row parsing.
#include "common/bundle/derived_tables.h"

#include <array>

#include "common/bundle/bundle_format.h"
#include "common/parse/fields.h"
#include "common/parse/line_reader.h"
#include "common/parse/mountinfo.h"

namespace memsift::bundle {

namespace {

// Splits "a\tb\tc" into at most N fields (the last one keeps any further tabs); returns how many.
template <size_t N>
size_t splitTabs(std::string_view line, std::array<std::string_view, N>& out) {
  size_t n = 0;
  while (n < N) {
    size_t tab = n + 1 < N ? line.find('\t') : std::string_view::npos;
    out[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return n;
}

// Calls `row` with each data line of one part (the header of part 1 and empty lines skipped).
template <typename RowFn>
void forEachRow(std::string_view text, unsigned part, parse::IssueSink& issues, RowFn row) {
  parse::LineReader lines(text, &issues);
  parse::Line line;
  while (lines.next(line)) {
    if ((part == 1 && line.number == 1) || line.text.empty()) continue;
    row(line);
  }
}

// "3,17,42" (or "") -> numbers; false on anything else.
bool parseNumberList(std::string_view s, std::vector<uint64_t>& out) {
  while (!s.empty()) {
    const size_t comma = s.find(',');
    uint64_t v = 0;
    if (parse::parseU64(s.substr(0, comma), v) != parse::NumStatus::kOk) return false;
    out.push_back(v);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
  }
  return true;
}

}  // namespace

std::optional<TablePart> derivedTablePart(std::string_view member) {
  const TextPart p = parseTextPartMemberName(member);
  if (p.source == kCgroupMapMember) return TablePart{DerivedTable::kCgroupMap, p.part};
  if (p.source == kMemoryBlocksMember) return TablePart{DerivedTable::kMemoryBlocks, p.part};
  if (p.source == kProcessFdsMember) return TablePart{DerivedTable::kProcessFds, p.part};
  return std::nullopt;
}

void appendTableField(std::string& row, std::string_view value) {
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '\\') {
      const char esc[4] = {'\\', static_cast<char>('0' + (u >> 6)),
                           static_cast<char>('0' + ((u >> 3) & 7)),
                           static_cast<char>('0' + (u & 7))};
      row.append(esc, 4);
    } else {
      row.push_back(c);
    }
  }
}

void parseCgroupRows(std::string_view text, unsigned part, std::vector<CgroupRow>& out,
                     parse::IssueSink& issues) {
  forEachRow(text, part, issues, [&](const parse::Line& line) {
    std::array<std::string_view, 3> f;
    uint64_t hierarchy = 0, inode = 0;
    if (splitTabs(line.text, f) != 3 || parse::parseU64(f[0], hierarchy) != parse::NumStatus::kOk ||
        hierarchy > INT32_MAX || parse::parseU64(f[1], inode) != parse::NumStatus::kOk) {
      issues.report(line.number, line.text, "expected 'hierarchy<TAB>ino<TAB>path'");
      return;
    }
    out.push_back({static_cast<int>(hierarchy), inode, parse::unescapeMountField(f[2])});
  });
}

void parseMemoryBlockRows(std::string_view text, unsigned part, std::vector<MemoryBlockRow>& out,
                          parse::IssueSink& issues) {
  forEachRow(text, part, issues, [&](const parse::Line& line) {
    std::array<std::string_view, 4> f;
    uint64_t block = 0, node = 0;
    if (splitTabs(line.text, f) < 3 || parse::parseU64(f[0], block) != parse::NumStatus::kOk) {
      issues.report(line.number, line.text, "expected 'block<TAB>state<TAB>node<TAB>valid_zones'");
      return;
    }
    MemoryBlockRow r{block, parse::unescapeMountField(f[1]), std::nullopt};
    if (parse::parseU64(f[2], node) == parse::NumStatus::kOk && node <= INT32_MAX)
      r.node = static_cast<int>(node);
    out.push_back(std::move(r));
  });
}

void parseProcessFdRows(std::string_view text, unsigned part, std::vector<ProcessFdRow>& out,
                        parse::IssueSink& issues) {
  forEachRow(text, part, issues, [&](const parse::Line& line) {
    std::array<std::string_view, 7> f;
    uint64_t pid = 0;
    ProcessFdRow r;
    if (splitTabs(line.text, f) != 7 || parse::parseU64(f[0], pid) != parse::NumStatus::kOk ||
        pid == 0 || pid > INT32_MAX || parse::parseU64(f[1], r.fds) != parse::NumStatus::kOk ||
        parse::parseU64(f[2], r.pipes) != parse::NumStatus::kOk ||
        !parseNumberList(f[3], r.io_uring) || !parseNumberList(f[4], r.vfio) ||
        !parseNumberList(f[5], r.rdma)) {
      issues.report(line.number, line.text,
                    "expected 'pid<TAB>fds<TAB>pipes<TAB>io_uring<TAB>vfio<TAB>rdma<TAB>note'");
      return;
    }
    r.pid = static_cast<int>(pid);
    r.note = parse::unescapeMountField(f[6]);
    out.push_back(std::move(r));
  });
}

}  // namespace memsift::bundle
