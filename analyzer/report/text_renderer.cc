// Report -> plain text: findings, then the ledger, the anonymous reconciliation, page frames,
// top processes and cgroups, and what the collection lacked.
#include "analyzer/report/text_renderer.h"

#include <algorithm>

#include "analyzer/report/finding_wording.h"
#include "analyzer/report/growth_view.h"
#include "analyzer/report/pin_wording.h"
#include "analyzer/report/text_layout.h"
#include "analyzer/report/worded_table.h"
#include "analyzer/report/wording.h"

namespace memsift::report {
namespace {

using text::Table;
using text::wrapped;

// How many physical ranges of a finding a human wants to read; JSON carries up to 100.
constexpr size_t kTextRanges = 8;
constexpr size_t kTextParseIssues = 20;

void heading(std::string& out, std::string_view title) {
  out += '\n';
  out += title;
  out += '\n';
  out.append(title.size(), '=');
  out += '\n';
}

std::string sourceText(const Source& s) {
  if (s.member.empty() && s.field.empty()) return "";
  if (s.field.empty()) return printable(s.member);
  return printable(s.member) + " " + printable(s.field);
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string nodeList(const std::vector<NodeBytes>& nodes) {
  std::string s;
  for (const NodeBytes& n : nodes) {
    if (!s.empty()) s += ", ";
    s += n.node < 0 ? std::string("no node") : std::string("node ").append(std::to_string(n.node));
    s.append(" ").append(formatBytes(n.bytes));
  }
  return s;
}

void renderHeader(const Report& r, std::string& out) {
  const Host& h = r.host;
  out += "memsift report for " + printable(h.hostname.empty() ? "(unknown host)" : h.hostname);
  out += '\n';
  wrapped(out, "  ", "  ", hostSentence(h, printable));
  if (r.collection.partial || !r.collection.complete) {
    out +=
        "  !! PARTIAL REPORT: the collection is incomplete or the bundle damaged; some\n"
        "     conclusions could not be drawn (see COLLECTION at the end)\n";
  }
}

void renderFinding(const Report& r, const Finding& f, std::string& out, size_t fit) {
  out += "\n[" + upper(severityName(f.severity)) + "] " + printable(f.id);
  // Findings about events (OOM kills, failed splits) concern no amount of memory.
  bool amount = f.bytes.value() > 0;
  if (amount) {
    out += "  " + formatBytes(f.bytes);
    if (r.host.mem_total.value() > 0)
      out += " (" + formatPercent(shareOf(f.bytes.value(), r.host.mem_total.value())) +
             " of MemTotal)";
  }
  out += '\n';
  const FindingWords words = findingWords(r, f);
  wrapped(out, "  ", "  ", printable(words.summary));
  if (std::string thp = thpBreakdown(f, "x"); !thp.empty()) {
    wrapped(out, "  ", "    ",
            thp + " = " + formatBytes(f.bytes) + ", " + formatCount(f.pages.value()) + " pages");
  } else if (amount) {
    out += "  " + formatCount(f.pages.value()) + " pages\n";
  }
  if (!f.cgroups.empty()) {
    out += "  memory cgroups:\n";
    Table t({{"cgroup", false, 20}, {"bytes", true}, {"inode", true}});
    for (const CgroupBytes& c : f.cgroups)
      t.row({printable(c.path), formatBytes(c.bytes), std::to_string(c.inode)});
    t.render(out, "    ", fit);
  } else if (f.cgroup_unknown) {
    wrapped(out, "  memory cgroup: ", "    ", unknownBecause(*f.cgroup_unknown));
  }
  if (!f.nodes.empty()) out += "  NUMA nodes: " + nodeList(f.nodes) + "\n";
  if (f.node_unknown) wrapped(out, "  NUMA node: ", "    ", unknownBecause(*f.node_unknown));
  if (!f.ranges.empty()) {
    uint64_t total = std::max<uint64_t>(f.range_count, f.ranges.size());
    size_t shown = std::min(f.ranges.size(), kTextRanges);
    out += "  physical ranges: " + formatCount(total) + " in all";
    if (shown < total) out += ", first " + std::to_string(shown) + " shown";
    out += ":\n";
    Table t({{"first PFN"}, {"last PFN"}, {"pages", true}, {"bytes", true}});
    for (size_t i = 0; i < shown; ++i) {
      const PfnRangeOut& g = f.ranges[i];
      Pfn last = g.pages.value() > 0 ? g.start + PageCount(g.pages.value() - 1) : g.start;
      t.row({formatPfn(g.start), formatPfn(last), formatCount(g.pages.value()),
             r.host.page_size ? formatBytes(PageSize(r.host.page_size).toBytes(g.pages)) : "-"});
    }
    t.render(out, "    ");
  }
  if (!words.evidence.empty()) {
    out += "  evidence:\n";
    for (const Evidence& e : words.evidence) {
      std::string src = sourceText(e.source);
      wrapped(out, "    - ", "      ", printable(e.text), src.empty() ? "" : "[" + src + "]");
    }
  }
  if (!words.next_steps.empty()) {
    out += "  next steps:\n";
    for (size_t i = 0; i < words.next_steps.size(); ++i)
      wrapped(out, "    " + std::to_string(i + 1) + ". ", "       ",
              printable(words.next_steps[i]));
  }
}

void renderFindings(const Report& r, std::string& out, size_t fit) {
  heading(out, "FINDINGS (" + std::to_string(r.findings.size()) + ")");
  if (r.findings.empty()) {
    out += "No findings: " + std::string(kNoFindings) + ".\n";
    if (r.collection.partial || !r.collection.complete)
      out += "(The report is partial: see the limitations under COLLECTION.)\n";
  }
  for (const Finding& f : r.findings)
    renderFinding(r, f, out, fit);
}

void renderLedger(const Report& r, std::string& out, size_t fit) {
  const Ledger& l = r.ledger;
  heading(out, "MEMORY LEDGER");
  out += "MemTotal " + formatBytes(l.mem_total) + " [" + sourceText(l.mem_total_source) +
         "], split into its parts:\n";
  Table t({{"part"}, {"bytes", true}, {"share", true}, {"source", false, 12}});
  for (const LedgerLine& line : l.lines) {
    t.row({printable(line.label), formatBytes(line.bytes), ledgerShare(l, line.bytes),
           sourceText(line.source)});
  }
  t.row({">> RESIDUAL: " + std::string(kResidualWhat), formatSignedBytes(l.residual_bytes),
         residualShare(l), std::string(kResidualSource)});
  t.render(out, "  ", fit);
  if (l.untrusted) {
    wrapped(out, "  ", "  ", std::string(kLedgerUntrusted));
  } else if (l.residual_bytes < 0) {
    out +=
        "  The parts add up to more than MemTotal: some counters overlap or moved while the\n"
        "  collector read them.\n";
  }
}

// Only for a bundle with a snapshot series.
void renderGrowth(const Report& r, std::string& out, size_t fit) {
  if (!r.growth) return;
  heading(out, "GROWTH");
  const GrowthView v = growthView(*r.growth);
  wrapped(out, "", "", printable(v.headline));
  for (const GrowthTable& t : v.tables) {
    out += "\n" + t.title + ":\n";
    if (!t.note.empty()) wrapped(out, "  ", "  ", printable(t.note));
    if (!t.rows.empty()) textTable(out, t.columns, t.rows, 16, fit);
  }
}

void renderAnon(const Report& r, std::string& out, size_t fit) {
  const AnonReconciliation& a = r.anon;
  heading(out, "ANONYMOUS MEMORY RECONCILIATION");
  Table t({{"", false}, {"bytes", true}, {"note", false, 20}});
  t.row({"Active(anon) + Inactive(anon)", formatBytes(a.lru_anon),
         "anonymous LRU: active " + formatBytes(a.active_anon) + ", inactive " +
             formatBytes(a.inactive_anon)});
  t.row({"- AnonPages", formatBytes(a.anon_pages), "anonymous pages mapped by processes"});
  t.row({"- Shmem", formatBytes(a.shmem), "shmem/tmpfs pages, also on the anon LRU"});
  if (a.difference_bytes < 0) {
    t.row({">> = difference", formatSignedBytes(a.difference_bytes),
           "negative: nothing unmapped on the LRU (see below)"});
  } else {
    t.row({">> = on the LRU, mapped by nobody", formatBytes(a.unexplained),
           formatPercent(a.unexplained_share) + " of MemTotal"});
  }
  t.render(out, "  ", fit);
  if (std::string note = anonNegativeNote(a); !note.empty()) wrapped(out, "  ", "  ", note);
  out += "  Cross-checks:\n";
  for (const std::string& sentence : anonCrossChecks(a))
    wrapped(out, "    - ", "      ", sentence);
  if (!a.sources.empty()) {
    std::string sources;
    for (size_t i = 0; i < a.sources.size(); ++i)
      sources += (i ? "; " : "") + sourceText(a.sources[i]);
    wrapped(out, "  Sources: ", "    ", sources);
  }
}

void renderFree(const Report& r, std::string& out, size_t fit) {
  if (!r.free_memory) return;
  const FreeReconciliation& f = *r.free_memory;
  heading(out, "FREE MEMORY");
  out += "MemFree " + formatBytes(f.mem_free) + " [proc/meminfo], by zone [proc/zoneinfo" +
         (f.frames_free ? std::string("; page scan") : std::string()) + "]:\n";
  std::vector<Table::Column> columns = {{"zone"}};
  for (std::string_view c : kZoneColumns)
    columns.push_back({std::string(c), true});
  Table t(std::move(columns));
  const PageSize page(r.host.page_size);
  for (const ZoneFree& z : f.zones) {
    std::vector<std::string> row = zoneCells(z, page, "-");
    row.insert(row.begin(), printable(zoneName(z)));
    t.row(std::move(row));
  }
  std::vector<std::string> totals = zoneTotalCells(f, "-");
  totals.insert(totals.begin(), "all zones");
  t.row(std::move(totals));
  t.render(out, "  ", fit);
  for (const std::string& sentence : freeExplanation(f))
    wrapped(out, "  - ", "    ", sentence);
}

void renderFrames(const Report& r, std::string& out, size_t fit) {
  heading(out, "PAGE FRAMES");
  if (!r.frames) {
    out += std::string(kNoFrameTables) + "\n";
    return;
  }
  const FrameSummary& f = *r.frames;
  out += framesClassified(f);
  out += ":\n";
  Table t({{"category", false, 28},
           {"pages", true},
           {"bytes", true},
           {"share", true},
           {"by NUMA node", false, 30}});
  for (const FrameCategoryRow& c : f.categories) {
    t.row({printable(c.label), formatCount(c.pages.value()), formatBytes(c.bytes),
           formatPercent(shareOf(c.pages.value(), f.frames.value())), nodeList(c.nodes)});
  }
  t.render(out, "  ", fit);
  if (f.node_unknown) wrapped(out, "  NUMA node: ", "    ", unknownBecause(*f.node_unknown));
}

// The indices of the figures a table shows: all of them wide, the narrow subset in 100 columns.
template <size_t N, size_t M>
std::vector<size_t> shownFigures(bool wide, const std::string_view (&)[N],
                                 const size_t (&narrow)[M]) {
  std::vector<size_t> shown;
  if (!wide) return {std::begin(narrow), std::end(narrow)};
  for (size_t i = 0; i < N; ++i)
    shown.push_back(i);
  return shown;
}

void renderProcesses(const Report& r, std::string& out, size_t fit) {
  uint64_t total = std::max<uint64_t>(r.process_count, r.processes.size());
  heading(out, "TOP PROCESSES (" + std::to_string(r.processes.size()) + " of " +
                   formatCount(total) + ", by RSS)");
  if (r.processes.empty()) {
    out += noProcessRows(r) + "\n";
    return;
  }
  // In 100 columns there is room for the figures people compare first; --wide shows them all.
  const bool wide = fit == 0;
  std::vector<Table::Column> columns = {{"pid", true}};
  for (size_t i : shownFigures(wide, kProcessFigures, kNarrowProcessFigures))
    columns.push_back({std::string(kProcessFigures[i]), true});
  columns.push_back({"comm", false, 8});
  if (wide) columns.push_back({"cgroup"});
  columns.push_back({"cmdline", false, 12});
  Table t(std::move(columns));
  for (const ProcessRow& p : r.processes) {
    std::vector<std::string> row = {std::to_string(p.pid)};
    std::vector<std::string> figures = processFigures(p, "-");
    for (size_t i : shownFigures(wide, kProcessFigures, kNarrowProcessFigures))
      row.push_back(figures[i]);
    row.push_back(printable(p.comm));
    if (wide) row.push_back(printable(p.cgroup));
    row.push_back(printable(p.cmdline));
    t.row(std::move(row));
  }
  t.render(out, "  ", fit);
  if (std::string note = processAbsentNote(r.processes, "-"); !note.empty())
    wrapped(out, "  ", "  ", note);
  if (!wide) out += "  (file, shmem, AnonHuge, cgroup and whole command lines: --wide)\n";
}

void renderCgroups(const Report& r, std::string& out, size_t fit) {
  uint64_t total = std::max<uint64_t>(r.cgroup_count, r.cgroups.size());
  heading(out, "TOP MEMORY CGROUPS (" + std::to_string(r.cgroups.size()) + " of " +
                   formatCount(total) + ", " + cgroupOrder(r.cgroups) + ")");
  if (r.cgroups.empty()) {
    out += noCgroupRows(r) + "\n";
    return;
  }
  // In 100 columns the kernel's anon/file split gives way to the page scan's columns (--wide).
  const bool wide = fit == 0;
  std::vector<Table::Column> columns = {{"cgroup", false, 24}};
  for (size_t i : shownFigures(wide, kCgroupFigures, kNarrowCgroupFigures))
    columns.push_back({std::string(kCgroupFigures[i]), true});
  Table t(std::move(columns));
  for (const CgroupRow& c : r.cgroups) {
    std::vector<std::string> row = {printable(c.path)};
    std::vector<std::string> figures = cgroupFigures(c, "-");
    for (size_t i : shownFigures(wide, kCgroupFigures, kNarrowCgroupFigures))
      row.push_back(figures[i]);
    t.row(std::move(row));
  }
  t.render(out, "  ", fit);
  if (std::string note = cgroupColumnsNote(r.cgroups); !note.empty())
    wrapped(out, "  ", "  ", note);
  if (!wide) out += "  (anon and file, and whole cgroup paths: --wide)\n";
}

void renderPins(const Report& r, std::string& out, size_t fit) {
  if (!showPins(r.pins)) return;
  heading(out, "PINS AND REFERENCES");
  for (const std::string& s : pinSentences(r.pins))
    wrapped(out, "", "", s);
  if (r.pins.holders.empty()) return;
  std::vector<Table::Column> columns = {{"pid", true}};
  for (std::string_view c : kPinHolderFigures)
    columns.push_back({std::string(c), true});
  columns.push_back({"comm", false, 8});
  columns.push_back({"cgroup", false, 12});
  Table t(std::move(columns));
  for (const PinHolder& h : r.pins.holders) {
    std::vector<std::string> row = {std::to_string(h.pid)};
    for (std::string& cell : pinHolderFigures(h, "-"))
      row.push_back(std::move(cell));
    row.push_back(printable(h.comm));
    row.push_back(printable(h.cgroup));
    t.row(std::move(row));
  }
  t.render(out, "  ", fit);
}

void renderCollection(const Report& r, std::string& out, size_t fit) {
  const Collection& c = r.collection;
  heading(out, "COLLECTION");
  out += std::string("collection complete: ") + (c.complete ? "yes" : "NO") +
         "; analysis partial: " + (c.partial ? "YES" : "no") + "\n";
  if (c.vanished_processes > 0) out += vanishedProcesses(c.vanished_processes) + "\n";
  const MissingView missing = missingView(c);
  if (!missing.rows.empty()) {
    out += "Not captured whole:\n";
    Table t({{"path", false, 24}, {"status"}, {"detail", false, 16}});
    for (const MissingSource* m : missing.rows)
      t.row({printable(m->path), printable(m->status), printable(m->detail)});
    t.render(out, "  ", fit);
  }
  if (missing.without_address_space > 0)
    wrapped(out, "", "  ", noAddressSpaceSentence(missing.without_address_space));
  if (!c.damage.empty()) {
    out += "Bundle damage:\n";
    for (const bundle::Damage& d : c.damage)
      out += "  - " + printable(d.text) + "\n";
  }
  if (!c.parse_issues.empty()) {
    out += "Malformed input (" + formatCount(c.parse_issues.size()) + "):\n";
    for (size_t i = 0; i < std::min(c.parse_issues.size(), kTextParseIssues); ++i)
      out += "  - " + printable(c.parse_issues[i]) + "\n";
    if (c.parse_issues.size() > kTextParseIssues)
      out += "  " + moreParseIssues(c.parse_issues.size() - kTextParseIssues, "...") + "\n";
  }
  out += "Limitations:";
  if (c.limitations.empty()) {
    out += " none\n";
  } else {
    out += '\n';
    for (const Limitation& limitation : c.limitations)
      wrapped(out, "  - ", "    ", printable(limitationText(limitation)));
  }
}

}  // namespace

void renderText(const Report& report, std::string& out, const TextOptions& options) {
  const size_t fit = options.width;
  renderHeader(report, out);
  renderFindings(report, out, fit);
  renderLedger(report, out, fit);
  renderGrowth(report, out, fit);
  renderAnon(report, out, fit);
  renderFree(report, out, fit);
  renderFrames(report, out, fit);
  renderProcesses(report, out, fit);
  renderCgroups(report, out, fit);
  renderPins(report, out, fit);
  renderCollection(report, out, fit);
}

}  // namespace memsift::report
