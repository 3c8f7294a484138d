// The HTML renderer's writer: one object per document, one member function per section. The
// sections are defined by theme in html_findings.cc, html_memory.cc (ledger, anonymous memory,
// free memory), html_map.cc (the physical memory map) and html_tables.cc (page frames, cgroups,
// processes, collection); html_renderer.cc assembles the document.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model/report.h"

namespace memsift::report::html {

// A number for SVG coordinates and CSS: one decimal.
std::string num(double v);
// A share as a CSS width, clamped to 0..100%.
std::string pct(double share);
// A share as text: "<0.1%" must not reach the document as a '<'.
std::string percent(double share);
std::string esc(std::string_view s);
// A source as a small monospace tag, empty for no source.
std::string sourceHtml(const Source& s);

class HtmlWriter {
 public:
  HtmlWriter(const Report& r, std::string& out) : r_(r), out_(out) {}
  void render();

 private:
  uint64_t memTotal() const { return r_.host.mem_total.value(); }

  void head();
  void header();
  // Horizontal bars as a CSS grid: label, track with stacked segments, value.
  struct Segment {
    uint64_t value;
    std::string_view color;
    std::string title;
  };
  void barRow(const std::string& label_html, const std::string& label_title,
              const std::vector<Segment>& segments, uint64_t scale, const std::string& value);

  void findings();
  void finding(const Finding& f);

  void ledger();
  // One bar of the waterfall: from `low` to `high` bytes on the scale, with its value above.
  void waterfallBar(int column, const std::string& label, uint64_t low, uint64_t high,
                    uint64_t scale, std::string_view color, const std::string& title);
  void anon();
  void freeMemory();
  void growth();  // html_growth.cc: only for a bundle with a snapshot series

  // The labels of the categories, as the analysis named them in the frame summary.
  std::map<std::string, std::string, std::less<>> categoryLabels() const;
  void memoryMap();

  void frames();
  void cgroups();
  void processes();
  void pins();
  void collection();

  const Report& r_;
  std::string& out_;
};

}  // namespace memsift::report::html
