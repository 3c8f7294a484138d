// Report -> Markdown: reads top-down like the write-up a senior support engineer attaches to a
// ticket; the tables come last, as the supporting data.
#include "analyzer/report/markdown_renderer.h"

#include <algorithm>

#include "analyzer/report/finding_wording.h"
#include "analyzer/report/pin_wording.h"
#include "analyzer/report/wording.h"

namespace memsift::report {
namespace {

constexpr size_t kMarkdownRanges = 10;
constexpr size_t kMarkdownParseIssues = 20;

std::string md(std::string_view s) {
  return markdownEscape(s);
}

// A code span for identifiers (member names, fields, finding ids); anything that could end the
// span or a table cell falls back to escaped text.
std::string code(std::string_view s) {
  std::string p = printable(s);
  if (p.empty() || p.find_first_of("`|") != std::string::npos) return md(s);
  return "`" + p + "`";
}

// Analyzer-written prose whose `commands` render as code spans. A span that would need
// escaping inside (a backtick cannot occur there) is printed as it is: code spans are literal.
std::string prose(std::string_view s) {
  std::string out;
  for (const ProsePart& p : codeSpans(s))
    out += p.code ? std::string("`").append(printable(p.text)).append("`") : md(p.text);
  return out;
}

std::string source(const Source& s) {
  if (s.member.empty() && s.field.empty()) return "";
  if (s.field.empty()) return code(s.member);
  return code(s.member) + " field " + code(s.field);
}

// A pipe table. Cells are already escaped; alignment is given per column.
void table(std::string& out, const std::vector<std::pair<std::string, bool>>& columns,
           const std::vector<std::vector<std::string>>& rows) {
  out += '|';
  for (const auto& [name, right] : columns)
    out += " " + name + " |";
  out += "\n|";
  for (const auto& [name, right] : columns)
    out += right ? "---:|" : "---|";
  out += '\n';
  for (const auto& row : rows) {
    out += '|';
    for (const std::string& cell : row)
      out += " " + cell + " |";
    out += '\n';
  }
  out += '\n';
}

void renderHeader(const Report& r, std::string& out) {
  const Host& h = r.host;
  out += "# Memory report: " + md(h.hostname.empty() ? "unknown host" : h.hostname) + "\n\n";
  out += hostSentence(h, markdownEscape, "**", "**") + "\n\n";
  if (r.collection.partial || !r.collection.complete) {
    out += "> **Partial report.** " + std::string(kPartialReport) +
           " See [Collection](#collection).\n\n";
  }
}

void renderSummary(const Report& r, std::string& out) {
  out += "## Summary\n\n";
  if (r.findings.empty()) {
    out += "No findings: " + std::string(kNoFindings) + ". ";
    out +=
        "The memory ledger and the anonymous-memory reconciliation below show where MemTotal "
        "went.\n\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    // Findings about events (OOM kills, failed splits) concern no amount of memory.
    const bool amount = f.bytes.value() > 0;
    rows.push_back({std::to_string(i + 1), std::string(severityName(f.severity)), code(f.id),
                    amount ? formatBytes(f.bytes) : "–",
                    amount ? percentOf(f.bytes.value(), r.host.mem_total.value()) : "–",
                    md(findingWords(r, f).summary)});
  }
  table(out,
        {{"#", true},
         {"severity", false},
         {"finding", false},
         {"bytes", true},
         {"of MemTotal", true},
         {"summary", false}},
        rows);
}

void renderWhere(const Finding& f, std::string& out) {
  if (f.cgroups.empty() && f.nodes.empty() && f.ranges.empty() && !f.cgroup_unknown &&
      !f.node_unknown)
    return;
  out += "**Where.**\n\n";
  if (f.cgroup_unknown) out += "Memory cgroup: " + md(unknownBecause(*f.cgroup_unknown)) + ".\n\n";
  if (f.node_unknown) out += "NUMA node: " + md(unknownBecause(*f.node_unknown)) + ".\n\n";
  if (!f.cgroups.empty()) {
    out += "Memory cgroups charged with it:\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const CgroupBytes& c : f.cgroups)
      rows.push_back({md(c.path), std::to_string(c.inode), formatBytes(c.bytes),
                      percentOf(c.bytes.value(), f.bytes.value())});
    table(out, {{"cgroup", false}, {"inode", true}, {"bytes", true}, {"of finding", true}}, rows);
  }
  if (!f.nodes.empty()) {
    out += "NUMA nodes: ";
    for (size_t i = 0; i < f.nodes.size(); ++i) {
      if (i) out += "; ";
      out += nodeName(f.nodes[i].node) + " " + formatBytes(f.nodes[i].bytes) + " (" +
             percentOf(f.nodes[i].bytes.value(), f.bytes.value()) + ")";
    }
    out += ".\n\n";
  }
  if (!f.ranges.empty()) {
    uint64_t total = std::max<uint64_t>(f.range_count, f.ranges.size());
    size_t shown = std::min(f.ranges.size(), kMarkdownRanges);
    out += "Physical ranges: " + formatCount(total) + " in all";
    if (shown < total) out += ", the first " + std::to_string(shown);
    out += " (PFN, pages):";
    for (size_t i = 0; i < shown; ++i) {
      const PfnRangeOut& g = f.ranges[i];
      out += i ? ", " : " ";
      out.append("`").append(formatPfn(g.start)).append("` +").append(formatCount(g.pages.value()));
    }
    out += shown < total ? ", ...\n\n" : ".\n\n";
  }
}

void renderFinding(const Report& r, size_t index, const Finding& f, std::string& out) {
  out += "## Finding " + std::to_string(index + 1) + ": " + code(f.id) + " (" +
         std::string(severityName(f.severity)) + ")\n\n";
  const FindingWords words = findingWords(r, f);
  out += "**What.** " + md(words.summary) + "\n\n";
  if (f.bytes.value() > 0 || f.thp_count) {  // events (OOM kills) concern no amount
    out += "**How much.** ";
    if (std::string thp = thpBreakdown(f, "×"); !thp.empty()) out += thp + " = ";
    out += "**" + formatBytes(f.bytes) + "** (" + formatCount(f.pages.value()) + " pages, " +
           percentOf(f.bytes.value(), r.host.mem_total.value()) + " of MemTotal).\n\n";
  }
  renderWhere(f, out);
  if (!words.evidence.empty()) {
    out += "**Evidence.**\n\n";
    for (const Evidence& e : words.evidence) {
      out += "- " + md(e.text);
      std::string src = source(e.source);
      if (!src.empty()) out += " (source: " + src + ")";
      out += '\n';
    }
    out += '\n';
  }
  if (!words.next_steps.empty()) {
    out += "**What to do next.**\n\n";
    for (size_t i = 0; i < words.next_steps.size(); ++i)
      out.append(std::to_string(i + 1))
          .append(". ")
          .append(prose(words.next_steps[i]))
          .append("\n");
    out += '\n';
  }
}

void renderLedger(const Report& r, std::string& out) {
  const Ledger& l = r.ledger;
  out += "### Memory ledger\n\n";
  out += "MemTotal " + formatBytes(l.mem_total) + " (" + source(l.mem_total_source) +
         "), split into its parts:\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const LedgerLine& line : l.lines)
    rows.push_back(
        {md(line.label), formatBytes(line.bytes), ledgerShare(l, line.bytes), source(line.source)});
  rows.push_back({"**Residual: " + std::string(kResidualWhat) + "**",
                  "**" + formatSignedBytes(l.residual_bytes) + "**", "**" + residualShare(l) + "**",
                  std::string(kResidualSource)});
  table(out, {{"part", false}, {"bytes", true}, {"of MemTotal", true}, {"source", false}}, rows);
  if (l.untrusted) {
    out += std::string(kLedgerUntrusted) + "\n\n";
  } else if (l.residual_bytes < 0) {
    out += std::string(kLedgerOvershoot) + "\n\n";
  }
}

void renderAnon(const Report& r, std::string& out) {
  const AnonReconciliation& a = r.anon;
  out += "### Anonymous memory reconciliation\n\n";
  std::vector<std::vector<std::string>> rows = {
      {"Active(anon) + Inactive(anon)", formatBytes(a.lru_anon),
       "the anonymous LRU (active " + formatBytes(a.active_anon) + ", inactive " +
           formatBytes(a.inactive_anon) + ")"},
      {"− AnonPages", formatBytes(a.anon_pages), "anonymous pages mapped by processes"},
      {"− Shmem", formatBytes(a.shmem), "shmem/tmpfs pages, which also live on the anon LRU"},
  };
  if (a.difference_bytes < 0) {
    rows.push_back({"**= difference**", "**" + formatSignedBytes(a.difference_bytes) + "**",
                    "negative: nothing unmapped on the LRU (see below)"});
  } else {
    rows.push_back({"**= on the LRU, mapped by nobody**", "**" + formatBytes(a.unexplained) + "**",
                    "**" + formatPercent(a.unexplained_share) + " of MemTotal**"});
  }
  table(out, {{"", false}, {"bytes", true}, {"meaning", false}}, rows);
  if (std::string note = anonNegativeNote(a); !note.empty()) out += note + "\n\n";
  out += "Cross-checks:\n\n";
  for (const std::string& sentence : anonCrossChecks(a))
    out += "- " + sentence + "\n";
  if (!a.sources.empty()) {
    out += "- Sources:";
    for (size_t i = 0; i < a.sources.size(); ++i)
      out += (i ? "; " : " ") + source(a.sources[i]);
    out += ".\n";
  }
  out += '\n';
}

void renderFree(const Report& r, std::string& out) {
  if (!r.free_memory) return;
  const FreeReconciliation& f = *r.free_memory;
  out += "### Free memory\n\nMemFree " + formatBytes(f.mem_free) + ", by zone.\n\n";
  const PageSize page(r.host.page_size);
  std::vector<std::vector<std::string>> rows;
  for (const ZoneFree& z : f.zones) {
    rows.push_back(zoneCells(z, page, "n/a"));
    rows.back().insert(rows.back().begin(), md(zoneName(z)));
  }
  rows.push_back(zoneTotalCells(f, "n/a"));
  rows.back().insert(rows.back().begin(), "**all zones**");
  std::vector<std::pair<std::string, bool>> columns = {{"zone", false}};
  for (std::string_view c : kZoneColumns)
    columns.push_back({std::string(c), true});
  table(out, columns, rows);
  for (const std::string& sentence : freeExplanation(f))
    out += "- " + sentence + "\n";
  out += '\n';
}

void renderFrames(const Report& r, std::string& out) {
  out += "### Page frames\n\n";
  if (!r.frames) {
    out += "The bundle has no page-frame tables: frames were not classified.\n\n";
    return;
  }
  const FrameSummary& f = *r.frames;
  out += framesClassified(f);
  out += ".\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const FrameCategoryRow& c : f.categories) {
    std::string nodes;
    for (const NodeBytes& n : c.nodes)
      nodes += (nodes.empty() ? "" : ", ") + nodeName(n.node) + " " + formatBytes(n.bytes);
    rows.push_back({md(c.label), code(c.id), formatCount(c.pages.value()), formatBytes(c.bytes),
                    percentOf(c.pages.value(), f.frames.value()), nodes});
  }
  table(out,
        {{"category", false},
         {"id", false},
         {"pages", true},
         {"bytes", true},
         {"of frames", true},
         {"by NUMA node", false}},
        rows);
  if (f.node_unknown) out += "NUMA node: " + md(unknownBecause(*f.node_unknown)) + ".\n\n";
}

void renderProcesses(const Report& r, std::string& out) {
  uint64_t total = std::max<uint64_t>(r.process_count, r.processes.size());
  out += "### Top processes\n\n";
  if (r.processes.empty()) {
    out += noProcessRows(r) + "\n\n";
    return;
  }
  out += largestOf(r.processes.size(), total, "processes") + " by RSS.\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const ProcessRow& p : r.processes) {
    std::vector<std::string> row = {std::to_string(p.pid), md(p.comm)};
    for (std::string& cell : processFigures(p, "n/a"))
      row.push_back(std::move(cell));
    row.insert(row.end(), {md(p.cgroup), md(clip(printable(p.cmdline), 80))});
    rows.push_back(std::move(row));
  }
  std::vector<std::pair<std::string, bool>> columns = {{"pid", true}, {"comm", false}};
  for (std::string_view c : kProcessFigures)
    columns.push_back({std::string(c), true});
  columns.insert(columns.end(), {{"cgroup", false}, {"cmdline", false}});
  table(out, columns, rows);
  if (std::string note = processAbsentNote(r.processes, "n/a"); !note.empty()) out += note + "\n\n";
}

void renderPins(const Report& r, std::string& out) {
  if (!showPins(r.pins)) return;
  out += "### Pins and references\n\n";
  for (const std::string& s : pinSentences(r.pins))
    out += prose(s) + "\n\n";
  if (r.pins.holders.empty()) return;
  std::vector<std::vector<std::string>> rows;
  for (const PinHolder& h : r.pins.holders) {
    std::vector<std::string> row = {std::to_string(h.pid), md(h.comm)};
    for (std::string& cell : pinHolderFigures(h, "n/a"))
      row.push_back(std::move(cell));
    row.push_back(md(h.cgroup));
    rows.push_back(std::move(row));
  }
  std::vector<std::pair<std::string, bool>> columns = {{"pid", true}, {"comm", false}};
  for (std::string_view c : kPinHolderFigures)
    columns.push_back({std::string(c), true});
  columns.push_back({"cgroup", false});
  table(out, columns, rows);
}

void renderCgroups(const Report& r, std::string& out) {
  uint64_t total = std::max<uint64_t>(r.cgroup_count, r.cgroups.size());
  out += "### Top memory cgroups\n\n";
  if (r.cgroups.empty()) {
    out += noCgroupRows(r) + "\n\n";
    return;
  }
  out += largestOf(r.cgroups.size(), total, "memory cgroups") + ", " + cgroupOrder(r.cgroups) +
         ".\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const CgroupRow& c : r.cgroups) {
    rows.push_back(cgroupFigures(c, "n/a"));
    rows.back().insert(rows.back().begin(), md(c.path));
  }
  std::vector<std::pair<std::string, bool>> columns = {{"cgroup", false}};
  for (std::string_view c : kCgroupFigures)
    columns.push_back({std::string(c), true});
  table(out, columns, rows);
  if (std::string note = cgroupColumnsNote(r.cgroups); !note.empty()) out += note + "\n\n";
}

void renderCollection(const Report& r, std::string& out) {
  const Collection& c = r.collection;
  out += "### Collection\n\n";
  out += std::string("- Collection complete: **") + (c.complete ? "yes" : "no") +
         "**; analysis partial: **" + (c.partial ? "yes" : "no") + "**.\n";
  if (c.vanished_processes > 0) out += "- " + vanishedProcesses(c.vanished_processes) + ".\n";
  for (const bundle::Damage& d : c.damage)
    out += "- Bundle damage: " + md(d.text) + "\n";
  out += '\n';
  const MissingView missing = missingView(c);
  if (!missing.rows.empty()) {
    out += "Not captured whole:\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const MissingSource* m : missing.rows)
      rows.push_back({md(m->path), md(m->status), md(m->detail)});
    table(out, {{"path", false}, {"status", false}, {"detail", false}}, rows);
  }
  if (missing.without_address_space > 0)
    out += noAddressSpaceSentence(missing.without_address_space) + "\n\n";
  if (!c.parse_issues.empty()) {
    out += "Malformed input (" + formatCount(c.parse_issues.size()) + "):\n\n";
    for (size_t i = 0; i < std::min(c.parse_issues.size(), kMarkdownParseIssues); ++i)
      out += "- " + md(c.parse_issues[i]) + "\n";
    if (c.parse_issues.size() > kMarkdownParseIssues)
      out += "- " + moreParseIssues(c.parse_issues.size() - kMarkdownParseIssues, "...") + "\n";
    out += '\n';
  }
  out += "Limitations:";
  if (c.limitations.empty()) {
    out += " none.\n";
  } else {
    out += "\n\n";
    for (const Limitation& limitation : c.limitations)
      out += "- " + md(limitationText(limitation)) + "\n";
  }
}

}  // namespace

std::string markdownEscape(std::string_view s) {
  return printableWith(s, [](char c) -> std::string_view {
    switch (c) {
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '&':
        return "&amp;";
      // Characters that start emphasis, code, links ('[' ... and so images: "![" needs it
      // too), tables, headings, strikethrough or an escape; backslash-escaping ASCII
      // punctuation is valid CommonMark. '(', ')', '!' only matter after '[' and stay readable.
      case '\\':
        return "\\\\";
      case '`':
        return "\\`";
      case '*':
        return "\\*";
      case '_':
        return "\\_";
      case '[':
        return "\\[";
      case ']':
        return "\\]";
      case '|':
        return "\\|";
      case '#':
        return "\\#";
      case '~':
        return "\\~";
      default:
        return {};
    }
  });
}

void renderMarkdown(const Report& report, std::string& out) {
  renderHeader(report, out);
  renderSummary(report, out);
  for (size_t i = 0; i < report.findings.size(); ++i)
    renderFinding(report, i, report.findings[i], out);
  out += "## Supporting data\n\n";
  renderLedger(report, out);
  renderGrowthMarkdown(report, out);
  renderAnon(report, out);
  renderFree(report, out);
  renderFrames(report, out);
  renderProcesses(report, out);
  renderCgroups(report, out);
  renderPins(report, out);
  renderCollection(report, out);
}

}  // namespace memsift::report
