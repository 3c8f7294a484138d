// The HTML report's findings: one article each, with its size, where it is and what to do.
#include "analyzer/report/html_writer.h"

#include <algorithm>

#include "analyzer/report/finding_wording.h"
#include "analyzer/report/html_renderer.h"
#include "analyzer/report/wording.h"

namespace memsift::report::html {
namespace {

constexpr size_t kHtmlRanges = 12;

}  // namespace

void HtmlWriter::findings() {
  out_ += "<section id=\"findings\">\n<h2>Findings</h2>\n";
  if (r_.findings.empty()) {
    out_ +=
        "<p class=\"ok\"><b>No findings.</b> Nothing in this bundle points at memory that "
        "is lost or misused; the ledger and reconciliation below show where MemTotal "
        "went.</p>\n";
  }
  for (const Finding& f : r_.findings)
    finding(f);
  out_ += "</section>\n";
}

void HtmlWriter::finding(const Finding& f) {
  std::string sev(severityName(f.severity));
  const FindingWords words = findingWords(r_, f);
  out_ += "<article class=\"finding sev-" + sev + "\">\n<h3><span class=\"sev\">" + sev +
          "</span>" + esc(words.summary) + "</h3>\n<p><span class=\"id\">" + esc(f.id) + "</span>";
  // Findings about events (OOM kills, failed splits) concern no amount of memory.
  if (f.bytes.value() > 0 || f.thp_count) {
    out_ += "<span class=\"big\">" + formatBytes(f.bytes) + "</span> ";
    if (std::string thp = thpBreakdown(f, "×"); !thp.empty()) out_ += "= " + thp + ", ";
    out_ += formatCount(f.pages.value()) + " pages, " +
            percent(shareOf(f.bytes.value(), memTotal())) + " of MemTotal";
  }
  out_ += "</p>\n";
  if (!f.cgroups.empty()) {
    out_ += "<h4>Memory cgroups</h4>\n<div class=\"bars\">\n";
    uint64_t max = 0;
    for (const CgroupBytes& c : f.cgroups)
      max = std::max(max, c.bytes.value());
    for (const CgroupBytes& c : f.cgroups) {
      std::string title = esc(c.path) + " (inode " + std::to_string(c.inode) + ")";
      barRow(esc(c.path), title, {{c.bytes.value(), "#c1121f", title}}, max, formatBytes(c.bytes));
    }
    out_ += "</div>\n";
  }
  if (f.cgroup_unknown)
    out_ += "<h4>Memory cgroup</h4>\n<p>" + esc(unknownBecause(*f.cgroup_unknown)) + "</p>\n";
  if (f.node_unknown)
    out_ += "<h4>NUMA node</h4>\n<p>" + esc(unknownBecause(*f.node_unknown)) + "</p>\n";
  if (!f.nodes.empty()) {
    out_ += "<h4>NUMA nodes</h4>\n<div class=\"bars\">\n";
    for (const NodeBytes& n : f.nodes) {
      std::string title = nodeName(n.node) + ": " + formatBytes(n.bytes) + ", " +
                          percent(shareOf(n.bytes.value(), f.bytes.value()));
      barRow(nodeName(n.node), title, {{n.bytes.value(), "#4e79a7", title}}, f.bytes.value(),
             formatBytes(n.bytes));
    }
    out_ += "</div>\n";
  }
  if (!f.ranges.empty()) {
    uint64_t total = std::max<uint64_t>(f.range_count, f.ranges.size());
    size_t shown = std::min(f.ranges.size(), kHtmlRanges);
    out_ += "<h4>Physical ranges</h4>\n<p>" + formatCount(total) + " ranges";
    if (shown < total) out_ += ", the first " + std::to_string(shown);
    out_ += " (first PFN + pages): <span class=\"mono\">";
    for (size_t i = 0; i < shown; ++i) {
      if (i) out_ += ", ";
      out_ += formatPfn(f.ranges[i].start) + "+" + formatCount(f.ranges[i].pages.value());
    }
    out_ += shown < total ? ", …</span></p>\n" : "</span></p>\n";
  }
  if (!words.evidence.empty()) {
    out_ += "<h4>Evidence</h4>\n<ul>\n";
    for (const Evidence& e : words.evidence)
      out_ += "<li>" + esc(e.text) + sourceHtml(e.source) + "</li>\n";
    out_ += "</ul>\n";
  }
  if (!words.next_steps.empty()) {
    out_ += "<h4>What to do next</h4>\n<ol>\n";
    for (const std::string& s : words.next_steps) {
      out_ += "<li>";
      for (const ProsePart& p : codeSpans(s))
        out_ += p.code ? "<code>" + esc(p.text) + "</code>" : esc(p.text);
      out_ += "</li>\n";
    }
    out_ += "</ol>\n";
  }
  out_ += "</article>\n";
}

}  // namespace memsift::report::html
