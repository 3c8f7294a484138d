// The HTML report's accounts of memory: the ledger bar, the anonymous-memory waterfall and the
// free memory by zone.
#include "analyzer/report/html_writer.h"

#include <algorithm>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/html_style.h"
#include "analyzer/report/wording.h"

namespace memsift::report::html {

void HtmlWriter::ledger() {
  const Ledger& l = r_.ledger;
  // Of MemTotal, unless the counters cannot be true.
  auto share = [&l](uint64_t bytes) {
    return l.untrusted ? std::string(kUntrustedShare)
                       : percent(shareOf(bytes, l.mem_total.value()));
  };
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
            formatBytes(line.bytes) + " (" + share(line.bytes.value()) + ")</title></rect>\n";
    x += w;
  }
  if (residual_w > 0) {
    out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(kBarY - 6) + "\" width=\"" + num(residual_w) +
            "\" height=\"" + num(kBarH + 12) +
            "\" fill=\"url(#hatch)\" stroke=\"#7a0010\" stroke-width=\"2\"><title>Residual: " +
            formatSignedBytes(l.residual_bytes) + " (" + share(residual) +
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
            formatBytes(ByteCount(magnitude(l.residual_bytes))) + "</text>\n";
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
        "</td><td class=\"n\">" + share(line.bytes.value()) + "</td><td>" +
        sourceHtml(line.source) + "</td></tr>\n";
  }
  out_ +=
      "<tr class=\"residual\"><td><span class=\"sw\" style=\"background:#c1121f\"></span>"
      "Residual: " +
      std::string(kResidualWhat) + "</td><td class=\"n\">" + formatSignedBytes(l.residual_bytes) +
      "</td><td class=\"n\">" + esc(residualShare(l)) + "</td><td>" + std::string(kResidualSource) +
      "</td></tr>\n</table>\n";
  if (l.untrusted) {
    out_ += "<p>" + std::string(kLedgerUntrusted) + "</p>\n";
  } else if (l.residual_bytes < 0) {
    out_ += "<p>" + std::string(kLedgerOvershoot) + "</p>\n";
  }
  out_ += "</section>\n";
}

void HtmlWriter::waterfallBar(int column, const std::string& label, uint64_t low, uint64_t high,
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

void HtmlWriter::anon() {
  const AnonReconciliation& a = r_.anon;
  out_ +=
      "<section id=\"anon\">\n<h2>Anonymous memory reconciliation</h2>\n<p>What the "
      "anonymous LRU holds, minus what processes map (AnonPages) and shmem (which also lives "
      "on the anon LRU), leaves memory <b>mapped by nobody: " +
      formatBytes(a.unexplained) + " (" + percent(a.unexplained_share) + " of MemTotal)</b>.";
  if (a.difference_bytes < 0)
    out_ +=
        " The difference is " + formatSignedBytes(a.difference_bytes) + ": " + anonNegativeNote(a);
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

void HtmlWriter::freeMemory() {
  if (!r_.free_memory) return;
  const FreeReconciliation& f = *r_.free_memory;
  const PageSize page(r_.host.page_size);
  out_ += "<section id=\"free\">\n<h2>Free memory</h2>\n<p>MemFree <b>" + formatBytes(f.mem_free) +
          "</b>, by zone.</p>\n<table>\n<tr><th>zone</th>";
  for (std::string_view c : kZoneColumns)
    out_ += "<th class=\"n\">" + std::string(c) + "</th>";
  out_ += "</tr>\n";
  auto row = [&](const std::string& name, const std::vector<std::string>& cells) {
    out_ += "<tr><td>" + name + "</td>";
    for (const std::string& cell : cells)
      out_ += "<td class=\"n\">" + cell + "</td>";
    out_ += "</tr>\n";
  };
  for (const ZoneFree& z : f.zones)
    row(esc(zoneName(z)), zoneCells(z, page, "n/a"));
  row("<b>all zones</b>", zoneTotalCells(f, "n/a"));
  out_ += "</table>\n<ul>\n";
  for (const std::string& sentence : freeExplanation(f))
    out_ += "<li>" + esc(sentence) + "</li>\n";
  out_ += "</ul>\n</section>\n";
}

}  // namespace memsift::report::html
