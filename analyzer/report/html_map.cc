// The HTML report's physical memory map: a grid of cells per NUMA node, each colored by the
// category most of its frames fall in.
#include "analyzer/report/html_writer.h"

#include <algorithm>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/html_style.h"
#include "analyzer/report/wording.h"

namespace memsift::report::html {
namespace {

constexpr int kMapColumns = 64;
constexpr int kMapCellSize = 10;
constexpr int kMapPitch = kMapCellSize + 1;

}  // namespace

std::map<std::string, std::string, std::less<>> HtmlWriter::categoryLabels() const {
  std::map<std::string, std::string, std::less<>> labels;
  if (r_.frames)
    for (const FrameCategoryRow& c : r_.frames->categories)
      labels[c.id] = c.label;
  return labels;
}

std::vector<HtmlWriter::DrawCell> HtmlWriter::aggregate(const std::vector<const MapCell*>& cells,
                                                        size_t factor) {
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

void HtmlWriter::memoryMap() {
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
    grids +=
        "<div class=\"node\"><h4>" +
        (node < 0 ? std::string("Outside known NUMA nodes") : "NUMA node " + std::to_string(node)) +
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

}  // namespace memsift::report::html
