// Report -> one self-contained HTML file. Everything from the bundle goes through htmlEscape();
// a Content-Security-Policy forbidding scripts and fetches is the second line of defence.
#include "analyzer/report/html_renderer.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "analyzer/report/wording.h"

namespace memsift::report {
namespace {

constexpr size_t kHtmlRanges = 12;
constexpr size_t kHtmlParseIssues = 50;
constexpr int kMapColumns = 64;
constexpr int kMapCellSize = 10;
constexpr int kMapPitch = kMapCellSize + 1;

// Colors of the frame categories (analyzer/frames/frame_category.cc ids): anonymous memory in
// blues, with what nobody maps in reds so a leak jumps out of the map; file in greens.
struct CategoryColor {
  std::string_view id, color;
};
constexpr CategoryColor kCategoryColors[] = {
    {"free", "#e3e3e3"},
    {"anon_mapped", "#4e79a7"},
    {"anon_unmapped", "#e8787a"},
    {"anon_thp_mapped", "#86bcf0"},
    {"anon_thp_partly_mapped", "#f28e2b"},
    {"anon_thp_unmapped", "#c1121f"},
    {"file_mapped", "#59a14f"},
    {"file_unmapped", "#b5dca8"},
    {"shmem_mapped", "#9467bd"},
    {"shmem_unmapped", "#d2b6e8"},
    {"slab", "#edc948"},
    {"page_table", "#9c755f"},
    {"hugetlb_mapped", "#17becf"},
    {"hugetlb_unmapped", "#a6e3ea"},
    {"kernel", "#6f6f6f"},
    {"unflagged", "#b8aca6"},
    {"offline", "#f7f7f7"},
    {"hole", "#ffffff"},
    {"other", "#2b2b2b"},
};
// For ledger lines and categories this renderer does not know.
constexpr std::string_view kPalette[] = {"#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2",
                                         "#f28e2b", "#9c755f", "#bab0ac", "#86bcf0", "#8cd17d",
                                         "#d4a6c8", "#79706e", "#b6992d", "#499894"};

std::string_view categoryColor(std::string_view id) {
  for (const CategoryColor& c : kCategoryColors)
    if (c.id == id) return c.color;
  size_t h = 0;
  for (char c : id)
    h = h * 31 + static_cast<unsigned char>(c);
  return kPalette[h % std::size(kPalette)];
}

// Ledger lines in the colors of the frame categories they correspond to, so the ledger bar and
// the memory map tell the same story; unknown lines take the palette in order.
std::string_view ledgerColor(std::string_view id, size_t index) {
  struct Prefix {
    std::string_view prefix, color;
  };
  static constexpr Prefix kPrefixes[] = {
      {"free", "#c9c9c9"},
      {"anon_lru_active", "#4e79a7"},
      {"anon_lru_inactive", "#86bcf0"},
      {"anon", "#4e79a7"},
      {"file_lru_active", "#59a14f"},
      {"file_lru_inactive", "#b5dca8"},
      {"file", "#59a14f"},
      {"shmem", "#9467bd"},
      {"unevictable", "#f28e2b"},
      {"slab_reclaimable", "#f1d77a"},
      {"slab", "#edc948"},
      {"kernel_stack", "#bab0ac"},
      {"page_table", "#9c755f"},
      {"vmalloc", "#79706e"},
      {"percpu", "#d4a6c8"},
      {"hugetlb", "#17becf"},
  };
  for (const Prefix& p : kPrefixes)
    if (id.substr(0, p.prefix.size()) == p.prefix) return p.color;
  return kPalette[index % std::size(kPalette)];
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string pct(double share) {  // for CSS widths
  return num(std::clamp(share, 0.0, 1.0) * 100) + "%";
}

std::string esc(std::string_view s) {
  return htmlEscape(s);
}

// Shares as text: "<0.1%" must not reach the document as a '<'.
std::string percent(double share) {
  return htmlEscape(formatPercent(share));
}

std::string sourceHtml(const Source& s) {
  if (s.member.empty() && s.field.empty()) return "";
  std::string out = "<span class=\"src\">" + esc(s.member);
  if (!s.field.empty()) out += " · " + esc(s.field);
  return out + "</span>";
}

std::string nodeName(int node) {
  return node < 0 ? std::string("outside known nodes") : "node " + std::to_string(node);
}

uint64_t absResidual(int64_t r) {
  return r < 0 ? uint64_t{0} - static_cast<uint64_t>(r) : static_cast<uint64_t>(r);
}

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
margin:0 auto;max-width:1180px;padding:16px 24px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #ddd;
padding-bottom:4px}h3{font-size:16px;margin:4px 0 8px}h4{font-size:14px;margin:12px 0 4px}
.facts{color:#555;margin:0}.banner{background:#fff3cd;border:1px solid #e0b400;padding:8px 12px;
border-radius:6px;margin:12px 0}.ok{background:#e7f6e7;border:1px solid #7bc47f;padding:10px 14px;
border-radius:6px}.finding{border:1px solid #ccc;border-left:8px solid #888;border-radius:6px;
padding:10px 16px;margin:12px 0;background:#fcfcfc}.sev-critical{border-left-color:#c1121f}
.sev-warning{border-left-color:#e69500}.sev-info{border-left-color:#4e79a7}
.sev{display:inline-block;font-size:12px;font-weight:700;color:#fff;border-radius:4px;
padding:1px 7px;margin-right:8px;vertical-align:2px}.sev-critical .sev{background:#c1121f}
.sev-warning .sev{background:#e69500}.sev-info .sev{background:#4e79a7}
.big{font-size:20px;font-weight:700;margin-left:8px}.id{font-family:ui-monospace,monospace;
font-size:13px;color:#444}.src{font-family:ui-monospace,monospace;font-size:12px;color:#666;
background:#f1f1f1;border-radius:3px;padding:0 4px;margin-left:6px}
table{border-collapse:collapse;margin:6px 0 10px}td,th{padding:3px 10px;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}th{background:#f5f5f5;font-weight:600}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums;white-space:nowrap}tr.residual td{background:#fde2e2;
font-weight:700}.sw{display:inline-block;width:12px;height:12px;border-radius:2px;
vertical-align:-1px;margin-right:6px;border:1px solid #0002}
.bars{display:grid;grid-template-columns:minmax(160px,340px) 1fr 150px;gap:3px 10px;
align-items:center;margin:6px 0 12px}.bars .l{overflow:hidden;text-overflow:ellipsis;
white-space:nowrap;font-size:13px}.bars .v{text-align:right;font-variant-numeric:tabular-nums;
font-size:13px;white-space:nowrap}.map rect{stroke:#00000018;stroke-width:.5}.track{background:#f0f0f0;height:16px;border-radius:3px;display:flex;overflow:hidden}
.track span{display:block;height:100%}code,.mono{font-family:ui-monospace,monospace;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px;font-size:13px}
.node{margin:10px 0 16px}.node h4{margin:4px 0}svg{display:block;max-width:100%;height:auto}
details{margin:6px 0}summary{cursor:pointer;color:#345}footer{color:#777;font-size:12px;
margin-top:32px;border-top:1px solid #ddd;padding-top:8px}ul,ol{margin:4px 0 8px;padding-left:24px}
)";

class HtmlWriter {
 public:
  explicit HtmlWriter(const Report& r, std::string& out) : r_(r), out_(out) {}

  void render() {
    head();
    out_ += "<body>\n";
    header();
    findings();
    ledger();
    anon();
    freeMemory();
    memoryMap();
    frames();
    cgroups();
    processes();
    collection();
    out_ += "<footer>Generated by memsift from the report model (schema " + esc(r_.schema) +
            "). Units are binary (1 GiB = 1024 MiB); shares are of MemTotal unless said "
            "otherwise.</footer>\n</body>\n</html>\n";
  }

 private:
  uint64_t memTotal() const { return r_.host.mem_total.value(); }

  void head() {
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // No scripts, no fetches: the file must open the same from a mail attachment offline, and
    // if an escape were ever missed, nothing could run.
    out_ +=
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">\n";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out_ += "<title>Memory report: " + esc(r_.host.hostname) + "</title>\n<style>";
    out_ += kStyle;
    out_ += "</style>\n</head>\n";
  }

  void header() {
    const Host& h = r_.host;
    out_ +=
        "<header>\n<h1>Memory report: " + esc(h.hostname.empty() ? "unknown host" : h.hostname) +
        "</h1>\n<p class=\"facts\">" + hostSentence(h, htmlEscape, "<b>", "</b>") +
        "</p>\n</header>\n";
    if (r_.collection.partial || !r_.collection.complete) {
      out_ +=
          "<p class=\"banner\"><b>Partial report.</b> The collection is incomplete or the "
          "bundle is damaged; some conclusions could not be drawn. See "
          "<a href=\"#collection\">Collection</a>.</p>\n";
    }
  }

  // Horizontal bars as a CSS grid: label, track with stacked segments, value.
  struct Segment {
    uint64_t value;
    std::string_view color;
    std::string title;
  };
  void barRow(const std::string& label_html, const std::string& label_title,
              const std::vector<Segment>& segments, uint64_t scale, const std::string& value) {
    out_ += "<div class=\"l\" title=\"" + label_title + "\">" + label_html +
            "</div><div class=\"track\">";
    for (const Segment& s : segments) {
      if (s.value == 0) continue;
      out_ += "<span style=\"width:" + pct(shareOf(s.value, scale)) +
              ";background:" + std::string(s.color) + "\" title=\"" + s.title + "\"></span>";
    }
    out_ += "</div><div class=\"v\">" + value + "</div>\n";
  }

  void findings() {
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

  void finding(const Finding& f) {
    std::string sev(severityName(f.severity));
    out_ += "<article class=\"finding sev-" + sev + "\">\n<h3><span class=\"sev\">" + sev +
            "</span>" + esc(f.summary) + "</h3>\n<p><span class=\"id\">" + esc(f.id) + "</span>";
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
        barRow(esc(c.path), title, {{c.bytes.value(), "#c1121f", title}}, max,
               formatBytes(c.bytes));
      }
      out_ += "</div>\n";
    }
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
    if (!f.evidence.empty()) {
      out_ += "<h4>Evidence</h4>\n<ul>\n";
      for (const Evidence& e : f.evidence)
        out_ += "<li>" + esc(e.text) + sourceHtml(e.source) + "</li>\n";
      out_ += "</ul>\n";
    }
    if (!f.next_steps.empty()) {
      out_ += "<h4>What to do next</h4>\n<ol>\n";
      for (const std::string& s : f.next_steps) {
        out_ += "<li>";
        for (const ProsePart& p : codeSpans(s))
          out_ += p.code ? "<code>" + esc(p.text) + "</code>" : esc(p.text);
        out_ += "</li>\n";
      }
      out_ += "</ol>\n";
    }
    out_ += "</article>\n";
  }

  void ledger() {
    const Ledger& l = r_.ledger;
    out_ += "<section id=\"ledger\">\n<h2>Memory ledger</h2>\n<p>MemTotal <b>" +
            formatBytes(l.mem_total) + "</b>" + sourceHtml(l.mem_total_source) +
            ", split into its parts; the hatched red part is the residual nobody's counters "
            "account for.</p>\n";
    uint64_t lines_sum = 0;
    for (const LedgerLine& line : l.lines)
      lines_sum += line.bytes.value();
    uint64_t residual = l.residual_bytes > 0 ? static_cast<uint64_t>(l.residual_bytes) : 0;
    // The bar spans MemTotal, or the sum of the lines when they overshoot it.
    uint64_t scale = std::max({l.mem_total.value(), lines_sum + residual, uint64_t{1}});
    constexpr double kWidth = 1000, kBarY = 28, kBarH = 44;
    // The residual gets at least a few pixels so that "there is one" is always visible.
    double residual_w = residual ? std::max(6.0, kWidth * shareOf(residual, scale)) : 0;
    double rest_w = kWidth - residual_w;
    uint64_t rest_scale = std::max<uint64_t>(scale - residual, 1);
    out_ +=
        "<svg viewBox=\"0 0 1000 100\" width=\"1000\" height=\"100\" role=\"img\" "
        "aria-label=\"memory ledger\">\n<defs><pattern id=\"hatch\" width=\"8\" height=\"8\" "
        "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" "
        "height=\"8\" fill=\"#c1121f\"/><rect width=\"3\" height=\"8\" fill=\"#ffb3b3\"/>"
        "</pattern></defs>\n";
    double x = 0;
    for (size_t i = 0; i < l.lines.size(); ++i) {
      const LedgerLine& line = l.lines[i];
      double w = rest_w * shareOf(line.bytes.value(), rest_scale);
      if (w <= 0) continue;
      out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(kBarY) + "\" width=\"" + num(w) +
              "\" height=\"" + num(kBarH) + "\" fill=\"" + std::string(ledgerColor(line.id, i)) +
              "\" stroke=\"#fff\" stroke-width=\"0.5\"><title>" + esc(line.label) + ": " +
              formatBytes(line.bytes) + " (" +
              percent(shareOf(line.bytes.value(), l.mem_total.value())) + ")</title></rect>\n";
      x += w;
    }
    if (residual_w > 0) {
      out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(kBarY - 6) + "\" width=\"" + num(residual_w) +
              "\" height=\"" + num(kBarH + 12) +
              "\" fill=\"url(#hatch)\" stroke=\"#7a0010\" stroke-width=\"2\"><title>Residual: " +
              formatSignedBytes(l.residual_bytes) + " (" +
              percent(shareOf(residual, l.mem_total.value())) +
              ") accounted for by nobody</title></rect>\n";
      double tx = std::clamp(x + residual_w / 2, 120.0, 880.0);
      out_ += "<text x=\"" + num(tx) +
              "\" y=\"14\" text-anchor=\"middle\" font-size=\"13\" "
              "font-weight=\"700\" fill=\"#7a0010\">residual " +
              formatSignedBytes(l.residual_bytes) + "</text>\n";
    }
    if (l.residual_bytes < 0) {
      double mx = kWidth * shareOf(l.mem_total.value(), scale);
      out_ += "<line x1=\"" + num(mx) + "\" y1=\"18\" x2=\"" + num(mx) +
              "\" y2=\"82\" stroke=\"#7a0010\" stroke-width=\"3\"><title>MemTotal</title></line>\n"
              "<text x=\"" +
              num(std::clamp(mx, 120.0, 880.0)) +
              "\" y=\"14\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"700\" "
              "fill=\"#7a0010\">MemTotal; the parts overshoot by " +
              formatBytes(ByteCount(absResidual(l.residual_bytes))) + "</text>\n";
    }
    out_ +=
        "<text x=\"0\" y=\"96\" font-size=\"12\" fill=\"#555\">0</text><text x=\"1000\" "
        "y=\"96\" font-size=\"12\" fill=\"#555\" text-anchor=\"end\">" +
        formatBytes(ByteCount(scale)) + "</text>\n</svg>\n";

    out_ +=
        "<table>\n<tr><th>part</th><th class=\"n\">bytes</th><th class=\"n\">of "
        "MemTotal</th><th>source</th></tr>\n";
    for (size_t i = 0; i < l.lines.size(); ++i) {
      const LedgerLine& line = l.lines[i];
      out_ +=
          "<tr><td><span class=\"sw\" style=\"background:" + std::string(ledgerColor(line.id, i)) +
          "\"></span>" + esc(line.label) + "</td><td class=\"n\">" + formatBytes(line.bytes) +
          "</td><td class=\"n\">" + percent(shareOf(line.bytes.value(), l.mem_total.value())) +
          "</td><td>" + sourceHtml(line.source) + "</td></tr>\n";
    }
    out_ +=
        "<tr class=\"residual\"><td><span class=\"sw\" style=\"background:#c1121f\"></span>"
        "Residual: accounted for by nobody</td><td class=\"n\">" +
        formatSignedBytes(l.residual_bytes) + "</td><td class=\"n\">" +
        std::string(l.residual_bytes < 0 ? "-" : "") +
        percent(shareOf(absResidual(l.residual_bytes), l.mem_total.value())) +
        "</td><td>MemTotal minus the parts above</td></tr>\n</table>\n";
    if (l.residual_bytes < 0)
      out_ +=
          "<p>The parts add up to more than MemTotal: some counters overlap or moved while "
          "the collector read them.</p>\n";
    out_ += "</section>\n";
  }

  // One bar of the waterfall: from `low` to `high` bytes on the scale, with its value above.
  void waterfallBar(int column, const std::string& label, uint64_t low, uint64_t high,
                    uint64_t scale, std::string_view color, const std::string& title) {
    constexpr double kTop = 24, kHeight = 200, kColW = 120, kBarW = 76, kLeft = 20;
    auto y = [&](uint64_t v) { return kTop + kHeight * (1 - shareOf(v, scale)); };
    double x = kLeft + column * kColW + (kColW - kBarW) / 2;
    double y_hi = y(high), y_lo = y(low);
    double h = std::max(1.0, y_lo - y_hi);
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y_hi) + "\" width=\"" + num(kBarW) +
            "\" height=\"" + num(h) + "\" fill=\"" + std::string(color) + "\"><title>" + title +
            "</title></rect>\n<text x=\"" + num(x + kBarW / 2) + "\" y=\"" + num(y_hi - 5) +
            "\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"600\">" +
            formatBytes(ByteCount(high - low)) + "</text>\n<text x=\"" + num(x + kBarW / 2) +
            "\" y=\"" + num(kTop + kHeight + 16) + "\" text-anchor=\"middle\" font-size=\"11.5\">" +
            label + "</text>\n";
  }

  void freeMemory() {
    if (!r_.free_memory) return;
    const FreeReconciliation& f = *r_.free_memory;
    const uint64_t page = r_.host.page_size;
    auto bytes = [&](PageCount p) { return formatBytes(ByteCount(p.value() * page)); };
    auto scan = [&](const std::optional<PageCount>& p) {
      return p ? bytes(*p) : std::string("n/a");
    };
    out_ += "<section id=\"free\">\n<h2>Free memory</h2>\n<p>MemFree <b>" +
            formatBytes(f.mem_free) +
            "</b>, by zone.</p>\n<table>\n<tr><th>zone</th><th class=\"n\">present</th><th "
            "class=\"n\">managed</th><th class=\"n\">free</th><th class=\"n\">free "
            "(scan)</th><th class=\"n\">no flags (scan)</th></tr>\n";
    auto row = [&](const std::string& name, const std::string& a, const std::string& b,
                   const std::string& c, const std::string& d, const std::string& e) {
      out_ += "<tr><td>" + name + "</td><td class=\"n\">" + a + "</td><td class=\"n\">" + b +
              "</td><td class=\"n\">" + c + "</td><td class=\"n\">" + d + "</td><td class=\"n\">" +
              e + "</td></tr>\n";
    };
    for (const ZoneFree& z : f.zones)
      row(esc(zoneName(z)), bytes(z.present), bytes(z.managed), bytes(z.free), scan(z.frames_free),
          scan(z.frames_unflagged));
    row("<b>all zones</b>", formatBytes(f.zones_present), formatBytes(f.zones_managed),
        formatBytes(f.zones_free), formatBytes(f.frames_free), formatBytes(f.frames_unflagged));
    out_ += "</table>\n<ul>\n";
    for (const std::string& sentence : f.explanation)
      out_ += "<li>" + esc(sentence) + "</li>\n";
    out_ += "</ul>\n</section>\n";
  }

  void anon() {
    const AnonReconciliation& a = r_.anon;
    out_ +=
        "<section id=\"anon\">\n<h2>Anonymous memory reconciliation</h2>\n<p>What the "
        "anonymous LRU holds, minus what processes map (AnonPages) and shmem (which also lives "
        "on the anon LRU), leaves memory <b>mapped by nobody: " +
        formatBytes(a.unexplained) + " (" + percent(a.unexplained_share) + " of MemTotal)</b>.";
    if (a.difference_bytes < 0)
      out_ += " The difference is " + formatSignedBytes(a.difference_bytes) + ": " +
              anonNegativeNote(a);
    out_ += "</p>\n";
    uint64_t lru = a.lru_anon.value(), mapped = a.anon_pages.value(), shmem = a.shmem.value();
    std::vector<std::pair<std::string, uint64_t>> checks;
    if (a.process_rss_anon) checks.push_back({"Σ RssAnon", a.process_rss_anon->value()});
    if (a.process_pss_anon) checks.push_back({"Σ Pss_Anon", a.process_pss_anon->value()});
    if (a.frames_anon_unmapped)
      checks.push_back({"frames: unmapped", a.frames_anon_unmapped->value()});
    uint64_t scale = std::max({lru, mapped + shmem, a.unexplained.value(), uint64_t{1}});
    for (const auto& c : checks)
      scale = std::max(scale, c.second);
    int columns = 4 + static_cast<int>(checks.size()) + (checks.empty() ? 0 : 1);
    int width = 40 + columns * 120;
    out_ += "<svg viewBox=\"0 0 " + std::to_string(width) + " 250\" width=\"" +
            std::to_string(width) +
            "\" height=\"250\" role=\"img\" aria-label=\"anonymous memory waterfall\">\n"
            "<line x1=\"20\" y1=\"224\" x2=\"" +
            std::to_string(width - 20) + "\" y2=\"224\" stroke=\"#999\"/>\n";
    // Each step hangs from where the previous one ended, clamped at zero when the mapped and
    // shmem counters exceed the LRU (possible while counters move).
    uint64_t after_mapped = lru > mapped ? lru - mapped : 0;
    uint64_t after_shmem = after_mapped > shmem ? after_mapped - shmem : 0;
    waterfallBar(0, "Active+Inactive(anon)", 0, lru, scale, "#4e79a7",
                 "Active(anon) + Inactive(anon): " + formatBytes(a.lru_anon));
    waterfallBar(1, "− AnonPages", after_mapped, lru, scale, "#86bcf0",
                 "AnonPages, mapped by processes: " + formatBytes(a.anon_pages));
    waterfallBar(2, "− Shmem", after_shmem, after_mapped, scale, "#9467bd",
                 "Shmem, also on the anon LRU: " + formatBytes(a.shmem));
    waterfallBar(3, "= mapped by nobody", 0, a.unexplained.value(), scale, "#c1121f",
                 "On the anon LRU, mapped by nobody: " + formatBytes(a.unexplained));
    for (size_t i = 0; i < checks.size(); ++i)
      waterfallBar(5 + static_cast<int>(i), checks[i].first, 0, checks[i].second, scale, "#9a9a9a",
                   checks[i].first + ": " + formatBytes(ByteCount(checks[i].second)));
    out_ += "</svg>\n<ul>\n<li>Active(anon) " + formatBytes(a.active_anon) + ", Inactive(anon) " +
            formatBytes(a.inactive_anon) + ".</li>\n";
    for (const std::string& sentence : anonCrossChecks(a))
      out_ += "<li>" + sentence + "</li>\n";
    if (!a.sources.empty()) {
      out_ += "<li>Sources:";
      for (const Source& s : a.sources)
        out_ += sourceHtml(s);
      out_ += "</li>\n";
    }
    out_ += "</ul>\n</section>\n";
  }

  // The labels of the categories, as the analysis named them in the frame summary.
  std::map<std::string, std::string, std::less<>> categoryLabels() const {
    std::map<std::string, std::string, std::less<>> labels;
    if (r_.frames)
      for (const FrameCategoryRow& c : r_.frames->categories)
        labels[c.id] = c.label;
    return labels;
  }

  struct DrawCell {
    Pfn start;
    Pfn end;  // one past the last PFN
    uint64_t pages = 0;
    std::vector<std::pair<std::string, uint64_t>> mix;  // largest first
    std::string category;
  };

  // Merges every `factor` consecutive cells of a node into one, summing the category mix.
  static std::vector<DrawCell> aggregate(const std::vector<const MapCell*>& cells, size_t factor) {
    std::vector<DrawCell> out;
    for (size_t i = 0; i < cells.size(); i += factor) {
      DrawCell d;
      d.start = cells[i]->start;
      std::map<std::string, uint64_t> mix;
      for (size_t k = i; k < std::min(cells.size(), i + factor); ++k) {
        const MapCell& c = *cells[k];
        d.end = c.start + c.pages;
        d.pages += c.pages.value();
        if (c.mix.empty()) {
          mix[c.category] += c.pages.value();
        } else {
          for (const auto& [id, pages] : c.mix)
            mix[id] += pages;
        }
      }
      d.mix.assign(mix.begin(), mix.end());
      std::stable_sort(d.mix.begin(), d.mix.end(),
                       [](const auto& a, const auto& b) { return a.second > b.second; });
      d.category = factor == 1 || d.mix.empty() ? cells[i]->category : d.mix.front().first;
      out.push_back(std::move(d));
    }
    return out;
  }

  void memoryMap() {
    out_ += "<section id=\"map\">\n<h2>Physical memory map</h2>\n";
    if (r_.memory_map.empty()) {
      out_ +=
          "<p>No page-frame tables in this bundle: no map of physical memory.</p>\n"
          "</section>\n";
      return;
    }
    // Nodes in order, frames outside every known node (-1) last.
    auto node_order = [](int a, int b) { return (a < 0) != (b < 0) ? b < 0 : a < b; };
    std::map<int, std::vector<const MapCell*>, decltype(node_order)> by_node(node_order);
    for (const MapCell& c : r_.memory_map)
      by_node[c.node].push_back(&c);
    for (auto& [node, cells] : by_node)
      std::stable_sort(cells.begin(), cells.end(),
                       [](const MapCell* a, const MapCell* b) { return a->start < b->start; });
    size_t factor = (r_.memory_map.size() + kMaxHtmlMapCells - 1) / kMaxHtmlMapCells;
    factor = std::max<size_t>(factor, 1);

    auto labels = categoryLabels();
    auto label = [&](const std::string& id) {
      auto it = labels.find(id);
      return it != labels.end() ? esc(it->second) : esc(id);
    };
    uint64_t page_size = r_.host.page_size;
    std::map<std::string, uint64_t> legend;  // category -> pages, over the whole map

    std::string grids;
    for (const auto& [node, cells] : by_node) {
      std::vector<DrawCell> draw = aggregate(cells, factor);
      uint64_t pages = 0;
      for (const DrawCell& d : draw) {
        pages += d.pages;
        for (const auto& [id, p] : d.mix)
          legend[id] += p;
        if (d.mix.empty()) legend[d.category] += d.pages;
      }
      int rows = static_cast<int>((draw.size() + kMapColumns - 1) / kMapColumns);
      int width = kMapColumns * kMapPitch, height = rows * kMapPitch;
      grids += "<div class=\"node\"><h4>" +
               (node < 0 ? std::string("Outside known NUMA nodes")
                         : "NUMA node " + std::to_string(node)) +
               ": PFN " + formatPfn(draw.front().start) + "–" +
               formatPfn(Pfn(draw.back().end.value() - 1)) + ", " +
               (page_size ? formatBytes(PageSize(page_size).toBytes(PageCount(pages)))
                          : formatCount(pages) + " pages") +
               " in " + formatCount(draw.size()) + " cells</h4>\n<svg viewBox=\"0 0 " +
               std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
               std::to_string(width) + "\" height=\"" + std::to_string(height) +
               "\" class=\"map\" role=\"img\" aria-label=\"physical memory map\">\n";
      for (size_t i = 0; i < draw.size(); ++i) {
        const DrawCell& d = draw[i];
        int col = static_cast<int>(i % kMapColumns), row = static_cast<int>(i / kMapColumns);
        grids += "<rect x=\"" + std::to_string(col * kMapPitch) + "\" y=\"" +
                 std::to_string(row * kMapPitch) + "\" width=\"" + std::to_string(kMapCellSize) +
                 "\" height=\"" + std::to_string(kMapCellSize) + "\" fill=\"" +
                 std::string(categoryColor(d.category)) + "\"><title>PFN " + formatPfn(d.start) +
                 "–" + formatPfn(Pfn(d.end.value() - (d.end > d.start ? 1 : 0)));
        if (page_size) grids += ", " + formatBytes(PageSize(page_size).toBytes(PageCount(d.pages)));
        grids += ": " + label(d.category);
        // The title lists the mix so hovering tells a mostly-leaked cell from a fully leaked one.
        for (size_t k = 0; k < d.mix.size() && k < 3; ++k)
          grids += (k ? ", " : " (") + label(d.mix[k].first) + " " +
                   percent(shareOf(d.mix[k].second, d.pages));
        if (!d.mix.empty()) grids += ")";
        grids += "</title></rect>\n";
      }
      grids += "</svg></div>\n";
    }
    out_ +=
        "<p>Each cell is a run of physical page frames colored by the category most of its "
        "frames fall in; hover a cell for its PFN range and mix.";
    if (factor > 1)
      out_ += " The map holds " + formatCount(r_.memory_map.size()) + " cells; every " +
              std::to_string(factor) +
              " consecutive cells are drawn as one to keep this file "
              "small.";
    out_ += "</p>\n<div class=\"legend\">";
    std::vector<std::pair<std::string, uint64_t>> order(legend.begin(), legend.end());
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    uint64_t legend_total = 0;
    for (const auto& [id, pages] : order)
      legend_total += pages;
    for (const auto& [id, pages] : order)
      out_ += "<span><span class=\"sw\" style=\"background:" + std::string(categoryColor(id)) +
              "\"></span>" + label(id) + " " + percent(shareOf(pages, legend_total)) + "</span>";
    out_ += "</div>\n";
    out_ += grids;
    out_ += "</section>\n";
  }

  void frames() {
    out_ += "<section id=\"frames\">\n<h2>Page frames</h2>\n";
    if (!r_.frames) {
      out_ +=
          "<p>No page-frame tables in this bundle: frames were not classified.</p>\n"
          "</section>\n";
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
          uint64_t node_pages = r_.host.page_size ? n.bytes.value() / r_.host.page_size : 0;
          segments.push_back(
              {node_pages, categoryColor(c.id),
               esc(c.label) + ", " + nodeName(n.node) + ": " + formatBytes(n.bytes)});
        }
      }
      barRow("<span class=\"sw\" style=\"background:" + std::string(categoryColor(c.id)) +
                 "\"></span>" + esc(c.label),
             title, segments, max,
             formatBytes(c.bytes) + " " + percent(shareOf(c.pages.value(), f.frames.value())));
    }
    out_ += "</div>\n</section>\n";
  }

  void cgroups() {
    uint64_t total = std::max<uint64_t>(r_.cgroup_count, r_.cgroups.size());
    out_ += "<section id=\"cgroups\">\n<h2>Top memory cgroups</h2>\n";
    if (r_.cgroups.empty()) {
      out_ += "<p>" + noCgroupRows(r_) + "</p>\n</section>\n";
      return;
    }
    out_ += "<p>The " + std::to_string(r_.cgroups.size()) + " largest of " + formatCount(total) +
            " memory cgroups, " + cgroupOrder(r_.cgroups) +
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
    out_ +=
        "</div>\n<details><summary>Table</summary>\n<table>\n<tr><th>cgroup</th><th "
        "class=\"n\">tasks</th><th class=\"n\">usage</th><th class=\"n\">limit</th><th "
        "class=\"n\">anon</th><th class=\"n\">file</th><th class=\"n\">frames</th><th "
        "class=\"n\">own</th><th class=\"n\">unmapped anon</th></tr>\n";
    for (const CgroupRow& c : r_.cgroups) {
      out_ += "<tr><td>" + esc(c.path) + "</td><td class=\"n\">" + formatCount(c.tasks) +
              "</td><td class=\"n\">" + formatBytes(c.usage) + "</td><td class=\"n\">" +
              (c.limit ? formatBytes(*c.limit) : std::string("none")) + "</td><td class=\"n\">" +
              formatBytes(c.stat_anon) + "</td><td class=\"n\">" + formatBytes(c.stat_file) +
              "</td><td class=\"n\">" + formatBytes(c.subtree_frame_bytes) +
              "</td><td class=\"n\">" + formatBytes(c.frame_bytes) + "</td><td class=\"n\">" +
              formatBytes(c.subtree_frame_unmapped_anon) + "</td></tr>\n";
    }
    out_ += "</table>\n";
    if (std::string note = cgroupColumnsNote(r_.cgroups); !note.empty())
      out_ += "<p>" + note + "</p>\n";
    out_ += "</details>\n</section>\n";
  }

  void processes() {
    uint64_t total = std::max<uint64_t>(r_.process_count, r_.processes.size());
    out_ += "<section id=\"processes\">\n<h2>Top processes</h2>\n";
    if (r_.processes.empty()) {
      out_ += "<p>" + noProcessRows(r_) + "</p>\n</section>\n";
      return;
    }
    out_ += "<p>The " + std::to_string(r_.processes.size()) + " largest of " + formatCount(total) +
            " processes by RSS: <span class=\"sw\" style=\"background:#4e79a7\"></span>anonymous "
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
        "<th>comm</th><th class=\"n\">RSS</th><th class=\"n\">PSS</th><th class=\"n\">USS</th>"
        "<th class=\"n\">anon</th><th class=\"n\">file</th><th class=\"n\">shmem</th><th "
        "class=\"n\">swap</th><th class=\"n\">AnonHuge</th><th>cgroup</th><th>cmdline</th>"
        "</tr>\n";
    for (const ProcessRow& p : r_.processes) {
      out_ += "<tr><td class=\"n\">" + std::to_string(p.pid) + "</td><td>" + esc(p.comm) +
              "</td><td class=\"n\">" + formatBytes(p.rss) + "</td><td class=\"n\">" +
              formatBytes(p.pss) + "</td><td class=\"n\">" + formatBytes(p.uss) +
              "</td><td class=\"n\">" + formatBytes(p.anon) + "</td><td class=\"n\">" +
              formatBytes(p.file) + "</td><td class=\"n\">" + formatBytes(p.shmem) +
              "</td><td class=\"n\">" + formatBytes(p.swap) + "</td><td class=\"n\">" +
              formatBytes(p.anon_huge) + "</td><td>" + esc(p.cgroup) + "</td><td class=\"mono\">" +
              esc(clip(printable(p.cmdline), 200)) + "</td></tr>\n";
    }
    out_ += "</table>\n";
    if (std::string note = processAbsentNote(r_.processes, "n/a"); !note.empty())
      out_ += "<p>" + esc(note) + "</p>\n";
    out_ += "</details>\n</section>\n";
  }

  void collection() {
    const Collection& c = r_.collection;
    out_ +=
        "<section id=\"collection\">\n<h2>Collection</h2>\n<ul>\n<li>Collection complete: "
        "<b>" +
        std::string(c.complete ? "yes" : "no") + "</b>; analysis partial: <b>" +
        (c.partial ? "yes" : "no") + "</b>.</li>\n";
    if (c.vanished_processes > 0)
      out_ += "<li>" + formatCount(c.vanished_processes) +
              " processes exited while being collected (omitted, not an error).</li>\n";
    for (const std::string& d : c.damage)
      out_ += "<li>Bundle damage: " + esc(d) + "</li>\n";
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
        out_ += "<li>… and " + formatCount(c.parse_issues.size() - kHtmlParseIssues) +
                " more (all of them are in the JSON report)</li>\n";
      out_ += "</ul>\n";
    }
    out_ += "<h4>Limitations</h4>\n";
    if (c.limitations.empty()) {
      out_ += "<p>None: every conclusion this report could draw was drawn.</p>\n";
    } else {
      out_ += "<ul>\n";
      for (const std::string& l : c.limitations)
        out_ += "<li>" + esc(l) + "</li>\n";
      out_ += "</ul>\n";
    }
    out_ += "</section>\n";
  }

  const Report& r_;
  std::string& out_;
};

}  // namespace

std::string htmlEscape(std::string_view s) {
  return printableWith(s, [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '"':
        return "&quot;";
      case '\'':
        return "&#39;";
      default:
        return {};
    }
  });
}

void renderHtml(const Report& report, std::string& out) {
  HtmlWriter(report, out).render();
}

}  // namespace memsift::report
