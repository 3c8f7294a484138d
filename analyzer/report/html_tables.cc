// The HTML report's tables with bars: page-frame categories, top cgroups and processes, and
// what the collection lacked.
#include "analyzer/report/html_writer.h"

#include <algorithm>

#include "analyzer/report/html_style.h"
#include "analyzer/report/pin_wording.h"
#include "analyzer/report/wording.h"

namespace memsift::report::html {
namespace {

constexpr size_t kHtmlParseIssues = 50;

// Right-aligned header and data cells of figures (wording.h defines which).
template <size_t N>
std::string figureHeaders(const std::string_view (&names)[N]) {
  std::string s;
  for (std::string_view n : names)
    s.append("<th class=\"n\">").append(n).append("</th>");
  return s;
}
std::string figureCells(const std::vector<std::string>& cells) {
  std::string s;
  for (const std::string& c : cells)
    s.append("<td class=\"n\">").append(c).append("</td>");
  return s;
}

}  // namespace

void HtmlWriter::frames() {
  out_ += "<section id=\"frames\">\n<h2>Page frames</h2>\n";
  if (!r_.frames) {
    out_ += "<p>" + std::string(kNoFrameTables) + "</p>\n</section>\n";
    return;
  }
  const FrameSummary& f = *r_.frames;
  out_ += "<p>" + framesClassified(f);
  out_ += ".</p>\n<div class=\"bars\">\n";
  uint64_t max = 0;
  for (const FrameCategoryRow& c : f.categories)
    max = std::max(max, c.pages.value());
  for (const FrameCategoryRow& c : f.categories) {
    std::string title = esc(c.label) + ": " + formatCount(c.pages.value()) + " pages, " +
                        formatBytes(c.bytes) + " (" +
                        percent(shareOf(c.pages.value(), f.frames.value())) + " of frames)";
    std::vector<Segment> segments;
    if (c.nodes.empty()) {
      segments.push_back({c.pages.value(), categoryColor(c.id), title});
    } else {
      // Per node, in the category's color, separated by the track's white borders.
      for (const NodeBytes& n : c.nodes) {
        uint64_t node_pages =
            r_.host.page_size ? PageSize(r_.host.page_size).toPages(n.bytes).value() : 0;
        segments.push_back({node_pages, categoryColor(c.id),
                            esc(c.label) + ", " + nodeName(n.node) + ": " + formatBytes(n.bytes)});
      }
    }
    barRow("<span class=\"sw\" style=\"background:" + std::string(categoryColor(c.id)) +
               "\"></span>" + esc(c.label),
           title, segments, max,
           formatBytes(c.bytes) + " " + percent(shareOf(c.pages.value(), f.frames.value())));
  }
  out_ += "</div>\n";
  if (f.node_unknown) out_ += "<p>NUMA node: " + esc(unknownBecause(*f.node_unknown)) + "</p>\n";
  out_ += "</section>\n";
}

void HtmlWriter::cgroups() {
  uint64_t total = std::max<uint64_t>(r_.cgroup_count, r_.cgroups.size());
  out_ += "<section id=\"cgroups\">\n<h2>Top memory cgroups</h2>\n";
  if (r_.cgroups.empty()) {
    out_ += "<p>" + noCgroupRows(r_) + "</p>\n</section>\n";
    return;
  }
  out_ += "<p>" + largestOf(r_.cgroups.size(), total, "memory cgroups") + ", " +
          cgroupOrder(r_.cgroups) +
          "; each bar counts the cgroup with everything below it, red is anonymous memory "
          "nobody maps.</p>\n"
          "<div class=\"bars\">\n";
  // Parents hold their children's charges (usage is hierarchical): the bars do too.
  auto charged = [](const CgroupRow& c) {
    return c.subtree_frame_bytes ? c.subtree_frame_bytes->value()
                                 : c.usage.value_or(ByteCount()).value();
  };
  uint64_t max = 1;
  for (const CgroupRow& c : r_.cgroups)
    max = std::max(max, charged(c));
  for (const CgroupRow& c : r_.cgroups) {
    uint64_t all = charged(c);
    uint64_t leaked = std::min(all, c.subtree_frame_unmapped_anon.value_or(ByteCount()).value());
    std::string title = esc(c.path) + ": " + formatCount(c.tasks) + " tasks, usage " +
                        formatBytes(c.usage) + ", limit " +
                        (c.limit ? formatBytes(*c.limit) : std::string("none")) +
                        ", charged to it alone " + formatBytes(c.frame_bytes);
    barRow(esc(c.path), title,
           {{leaked, "#c1121f", "mapped by nobody: " + formatBytes(ByteCount(leaked))},
            {all - leaked, "#4e79a7", "the rest: " + formatBytes(ByteCount(all - leaked))}},
           max, formatBytes(ByteCount(all)));
  }
  out_ += "</div>\n<details><summary>Table</summary>\n<table>\n<tr><th>cgroup</th>" +
          figureHeaders(kCgroupFigures) + "</tr>\n";
  for (const CgroupRow& c : r_.cgroups)
    out_ += "<tr><td>" + esc(c.path) + "</td>" + figureCells(cgroupFigures(c, "n/a")) + "</tr>\n";
  out_ += "</table>\n";
  if (std::string note = cgroupColumnsNote(r_.cgroups); !note.empty())
    out_ += "<p>" + note + "</p>\n";
  out_ += "</details>\n</section>\n";
}

void HtmlWriter::processes() {
  uint64_t total = std::max<uint64_t>(r_.process_count, r_.processes.size());
  out_ += "<section id=\"processes\">\n<h2>Top processes</h2>\n";
  if (r_.processes.empty()) {
    out_ += "<p>" + noProcessRows(r_) + "</p>\n</section>\n";
    return;
  }
  out_ += "<p>" + largestOf(r_.processes.size(), total, "processes") +
          " by RSS: <span class=\"sw\" style=\"background:#4e79a7\"></span>anonymous "
          "<span class=\"sw\" style=\"background:#59a14f\"></span>file <span class=\"sw\" "
          "style=\"background:#9467bd\"></span>shmem.</p>\n<div class=\"bars\">\n";
  uint64_t max = 1;
  for (const ProcessRow& p : r_.processes)
    max = std::max(max, p.rss.value_or(ByteCount()).value());
  for (const ProcessRow& p : r_.processes) {
    std::string name = esc(p.comm) + " (" + std::to_string(p.pid) + ")";
    barRow(name, esc(p.cmdline),
           {{p.anon.value_or(ByteCount()).value(), "#4e79a7", "anonymous " + formatBytes(p.anon)},
            {p.file.value_or(ByteCount()).value(), "#59a14f", "file " + formatBytes(p.file)},
            {p.shmem.value_or(ByteCount()).value(), "#9467bd", "shmem " + formatBytes(p.shmem)}},
           max, formatBytes(p.rss));
  }
  out_ +=
      "</div>\n<details><summary>Table</summary>\n<table>\n<tr><th class=\"n\">pid</th>"
      "<th>comm</th>" +
      figureHeaders(kProcessFigures) + "<th>cgroup</th><th>cmdline</th></tr>\n";
  for (const ProcessRow& p : r_.processes) {
    out_ += "<tr><td class=\"n\">" + std::to_string(p.pid) + "</td><td>" + esc(p.comm) + "</td>" +
            figureCells(processFigures(p, "n/a")) + "<td>" + esc(p.cgroup) +
            "</td><td class=\"mono\">" + esc(clip(printable(p.cmdline), 200)) + "</td></tr>\n";
  }
  out_ += "</table>\n";
  if (std::string note = processAbsentNote(r_.processes, "n/a"); !note.empty())
    out_ += "<p>" + esc(note) + "</p>\n";
  out_ += "</details>\n</section>\n";
}

void HtmlWriter::pins() {
  if (!showPins(r_.pins)) return;
  out_ += "<section id=\"pins\">\n<h2>Pins and references</h2>\n";
  for (const std::string& s : pinSentences(r_.pins))
    out_ += "<p>" + esc(s) + "</p>\n";
  if (!r_.pins.holders.empty()) {
    out_ += "<table>\n<tr><th class=\"n\">pid</th><th>comm</th>" +
            figureHeaders(kPinHolderFigures) + "<th>cgroup</th></tr>\n";
    for (const PinHolder& h : r_.pins.holders) {
      out_ += "<tr><td class=\"n\">" + std::to_string(h.pid) + "</td><td>" + esc(h.comm) + "</td>" +
              figureCells(pinHolderFigures(h, "n/a")) + "<td>" + esc(h.cgroup) + "</td></tr>\n";
    }
    out_ += "</table>\n";
  }
  out_ += "</section>\n";
}

void HtmlWriter::collection() {
  const Collection& c = r_.collection;
  out_ +=
      "<section id=\"collection\">\n<h2>Collection</h2>\n<ul>\n<li>Collection complete: "
      "<b>" +
      std::string(c.complete ? "yes" : "no") + "</b>; analysis partial: <b>" +
      (c.partial ? "yes" : "no") + "</b>.</li>\n";
  if (c.vanished_processes > 0)
    out_ += "<li>" + vanishedProcesses(c.vanished_processes) + ".</li>\n";
  for (const bundle::Damage& d : c.damage)
    out_ += "<li>Bundle damage: " + esc(d.text) + "</li>\n";
  out_ += "</ul>\n";
  const MissingView missing = missingView(c);
  if (!missing.rows.empty()) {
    out_ +=
        "<h4>Not captured whole</h4>\n<table>\n<tr><th>path</th><th>status</th>"
        "<th>detail</th></tr>\n";
    for (const MissingSource* m : missing.rows)
      out_ += "<tr><td class=\"mono\">" + esc(m->path) + "</td><td>" + esc(m->status) +
              "</td><td>" + esc(m->detail) + "</td></tr>\n";
    out_ += "</table>\n";
  }
  if (missing.without_address_space > 0)
    out_ += "<p>" + noAddressSpaceSentence(missing.without_address_space) + "</p>\n";
  if (!c.parse_issues.empty()) {
    out_ += "<h4>Malformed input (" + formatCount(c.parse_issues.size()) + ")</h4>\n<ul>\n";
    for (size_t i = 0; i < std::min(c.parse_issues.size(), kHtmlParseIssues); ++i)
      out_ += "<li class=\"mono\">" + esc(c.parse_issues[i]) + "</li>\n";
    if (c.parse_issues.size() > kHtmlParseIssues)
      out_ += "<li>" + moreParseIssues(c.parse_issues.size() - kHtmlParseIssues, "…") + "</li>\n";
    out_ += "</ul>\n";
  }
  out_ += "<h4>Limitations</h4>\n";
  if (c.limitations.empty()) {
    out_ += "<p>None: every conclusion this report could draw was drawn.</p>\n";
  } else {
    out_ += "<ul>\n";
    for (const Limitation& limitation : c.limitations)
      out_ += "<li>" + esc(limitationText(limitation)) + "</li>\n";
    out_ += "</ul>\n";
  }
  out_ += "</section>\n";
}

}  // namespace memsift::report::html
