// The HTML report's Growth section (a bundle with a snapshot series): the GrowthView's tables, and
// each series that moved drawn as an inline SVG line chart, with axes in bytes and time since the
// first snapshot; no script, no external file.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "analyzer/model/format.h"
#include "analyzer/report/growth_view.h"
#include "analyzer/report/html_renderer.h"
#include "analyzer/report/html_style.h"
#include "analyzer/report/html_writer.h"
#include "analyzer/report/worded_table.h"

namespace memsift::report::html {
namespace {

// One chart: 520 x 200 user units: a title row, a legend row, and the plot inside margins wide
// enough for "-123.4 GiB".
constexpr double kWidth = 520, kHeight = 200;
constexpr double kLeft = 84, kRight = 14, kTop = 44, kBottom = 40;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

struct Line {
  const GrowthSeries* series;
  std::string_view color;
};

// A cgroup's or process's figures in fixed colors: the same figure looks the same in every chart.
std::string_view figureColor(std::string_view id, size_t index) {
  if (id == "usage" || id == "vm_rss") return "#4e79a7";
  if (id == "anon" || id == "rss_anon") return "#c1121f";
  if (id == "file") return "#59a14f";
  if (id == "shmem") return "#9467bd";
  if (id == "vm_pin") return "#f28e2b";
  if (id == "pss") return "#76b7b2";
  if (id == "residual") return "#c1121f";
  return ledgerColor(id, index);
}

// A byte tick in the unit of the axis' span, so that ticks 80 MiB apart on a 2 GiB level read
// "2048 MiB", "2088 MiB" rather than "2 GiB" twice.
std::string tickLabel(double bytes, double span) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t unit = 0;
  double scale = 1;
  while (unit + 1 < std::size(kUnits) && span >= scale * 1024 * 2) {
    scale *= 1024;
    ++unit;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f %s", unit == 0 ? 0 : 1, bytes / scale, kUnits[unit]);
  return buf;
}

bool moved(const GrowthSeries& s) {
  return std::any_of(s.samples.begin(), s.samples.end(),
                     [&](const GrowthSample& p) { return p.bytes != s.first; });
}

std::string chart(const std::string& title, const std::vector<Line>& lines, double span) {
  double lo = 0, hi = 0;
  bool any = false;
  for (const Line& l : lines) {
    for (const GrowthSample& p : l.series->samples) {
      const auto b = static_cast<double>(p.bytes);
      lo = any ? std::min(lo, b) : b;
      hi = any ? std::max(hi, b) : b;
      any = true;
    }
  }
  // A little room above and below, so that the line does not run along the frame; a flat series
  // gets a band of its own size around it.
  const double pad = hi > lo ? (hi - lo) * 0.08 : std::max(std::fabs(hi) * 0.05, 1024.0);
  // Never below zero for a figure that never is (only the ledger's residual can be).
  lo = lo >= 0 ? std::max(0.0, lo - pad) : lo - pad;
  hi += pad;
  const double t_end = span > 0 ? span : 1;
  auto x = [&](double t) { return kLeft + kPlotW * t / t_end; };
  auto y = [&](double b) { return kTop + kPlotH * (hi - b) / (hi - lo); };

  std::string out =
      "<svg viewBox=\"0 0 520 200\" width=\"520\" height=\"200\" role=\"img\" "
      "aria-label=\"" +
      esc(title) +
      "\" style=\"border:1px solid #eee;"
      "border-radius:4px\">\n<text x=\"8\" y=\"18\" font-size=\"13\" "
      "font-weight=\"600\">" +
      esc(title) + "</text>\n";
  // Legend under the title, when there is more than one line.
  if (lines.size() > 1) {
    double lx = kLeft;
    for (const Line& l : lines) {
      const std::string name = growthSeriesName(*l.series);
      out += "<rect x=\"" + num(lx) + "\" y=\"24\" width=\"10\" height=\"10\" fill=\"" +
             std::string(l.color) + "\"/><text x=\"" + num(lx + 13) +
             "\" y=\"33\" font-size=\"11\" fill=\"#333\">" + esc(name) + "</text>\n";
      lx += 13 + 7.0 * static_cast<double>(name.size()) + 14;
    }
  }
  // Axes: three byte ticks with grid lines, three time ticks, and what the x axis counts.
  for (int i = 0; i <= 2; ++i) {
    const double b = lo + (hi - lo) * i / 2;
    const double yy = y(b);
    out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(yy) + "\" x2=\"" + num(kWidth - kRight) +
           "\" y2=\"" + num(yy) + "\" stroke=\"#e5e5e5\"/><text x=\"" + num(kLeft - 6) + "\" y=\"" +
           num(yy + 4) + "\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">" +
           esc(tickLabel(b, hi - lo)) + "</text>\n";
    const double t = t_end * i / 2;
    out += "<text x=\"" + num(x(t)) + "\" y=\"" + num(kTop + kPlotH + 15) +
           "\" font-size=\"11\" fill=\"#555\" text-anchor=\"" +
           (i == 0   ? "start"
            : i == 2 ? "end"
                     : "middle") +
           "\">" + esc(formatDuration(t)) + "</text>\n";
  }
  out += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(kLeft) +
         "\" y2=\"" + num(kTop + kPlotH) + "\" stroke=\"#999\"/><line x1=\"" + num(kLeft) +
         "\" y1=\"" + num(kTop + kPlotH) + "\" x2=\"" + num(kWidth - kRight) + "\" y2=\"" +
         num(kTop + kPlotH) + "\" stroke=\"#999\"/>\n<text x=\"" + num(kLeft + kPlotW / 2) +
         "\" y=\"" + num(kHeight - 6) +
         "\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">time since the first "
         "snapshot</text>\n";
  for (const Line& l : lines) {
    std::string points;
    for (const GrowthSample& p : l.series->samples)
      points += num(x(p.seconds)) + "," + num(y(static_cast<double>(p.bytes))) + " ";
    out += "<polyline fill=\"none\" stroke=\"" + std::string(l.color) +
           "\" stroke-width=\"2\" points=\"" + points + "\"/>\n";
    for (const GrowthSample& p : l.series->samples) {
      out += "<circle cx=\"" + num(x(p.seconds)) + "\" cy=\"" +
             num(y(static_cast<double>(p.bytes))) + "\" r=\"2.5\" fill=\"" + std::string(l.color) +
             "\"><title>" + esc(growthSeriesName(*l.series)) + " at " +
             esc(formatDuration(p.seconds)) + ": " + esc(formatSignedBytes(p.bytes)) +
             "</title></circle>\n";
    }
  }
  return out + "</svg>\n";
}

// The figures of one row that moved, as lines of one chart.
std::vector<Line> movedLines(const std::vector<GrowthSeries>& figures) {
  std::vector<Line> lines;
  for (size_t i = 0; i < figures.size(); ++i)
    if (moved(figures[i])) lines.push_back({&figures[i], figureColor(figures[i].id, i)});
  return lines;
}

constexpr std::string_view kCharts =
    "<div style=\"display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 14px\">\n";

}  // namespace

void HtmlWriter::growth() {
  if (!r_.growth) return;
  const Growth& g = *r_.growth;
  const GrowthView v = growthView(g);
  out_ += "<section id=\"growth\">\n<h2>Growth</h2>\n<p>" + esc(v.headline) + "</p>\n";
  for (size_t k = 0; k < v.tables.size(); ++k) {
    const GrowthTable& t = v.tables[k];
    out_ += "<h3>" + esc(t.title) + "</h3>\n";
    if (!t.note.empty()) out_ += "<p>" + esc(t.note) + "</p>\n";
    // Charts first: the shape of the growth is what a reader looks for.
    out_ += kCharts;
    if (k == 0) {
      for (size_t i = 0; i < g.ledger.size(); ++i)
        if (moved(g.ledger[i]))
          out_ += chart(growthSeriesName(g.ledger[i]),
                        {{&g.ledger[i], figureColor(g.ledger[i].id, i)}}, g.seconds);
    } else if (k == 1) {
      for (const GrowthCgroup& c : g.cgroups)
        out_ += chart("memory cgroup " + c.path, movedLines(c.figures), g.seconds);
    } else {
      for (const GrowthProcess& p : g.processes)
        out_ += chart(std::to_string(p.pid) + " " + p.comm, movedLines(p.figures), g.seconds);
    }
    out_ += "</div>\n";
    if (t.rows.empty()) continue;
    out_ += "<details><summary>Figures</summary>\n";
    htmlTable(out_, t.columns, t.rows);
    out_ += "</details>\n";
  }
  out_ += "</section>\n";
}

}  // namespace memsift::report::html
