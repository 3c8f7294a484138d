// The HTML report's physical memory map: a grid of cells per NUMA node, each colored by the
// category most of its frames fall in.
#include "analyzer/report/html_writer.h"

#include <algorithm>

#include "analyzer/report/html_style.h"
#include "analyzer/report/wording.h"

namespace memsift::report::html {
namespace {

constexpr int kMapColumns = 64;
constexpr int kMapCellSize = 10;
constexpr int kMapPitch = kMapCellSize + 1;

// A cell's mix as its title and the legend list it: largest first, equal ones by id; a cell
// without one is all its category.
std::vector<std::pair<std::string, uint64_t>> titleMix(const MapCell& c) {
  if (c.mix.empty()) return {{c.category, c.pages.value()}};
  std::vector<std::pair<std::string, uint64_t>> mix = c.mix;
  std::sort(mix.begin(), mix.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return mix;
}

}  // namespace

std::map<std::string, std::string, std::less<>> HtmlWriter::categoryLabels() const {
  std::map<std::string, std::string, std::less<>> labels;
  if (r_.frames)
    for (const FrameCategoryRow& c : r_.frames->categories)
      labels[c.id] = c.label;
  return labels;
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

  auto labels = categoryLabels();
  auto label = [&](const std::string& id) {
    auto it = labels.find(id);
    return it != labels.end() ? esc(it->second) : esc(id);
  };
  uint64_t page_size = r_.host.page_size;
  std::map<std::string, uint64_t> legend;  // category -> pages, over the whole map

  std::string grids;
  for (const auto& [node, cells] : by_node) {
    uint64_t pages = 0;
    for (const MapCell* c : cells) {
      pages += c->pages.value();
      for (const auto& [id, p] : titleMix(*c))
        legend[id] += p;
    }
    int rows = static_cast<int>((cells.size() + kMapColumns - 1) / kMapColumns);
    int width = kMapColumns * kMapPitch, height = rows * kMapPitch;
    grids +=
        "<div class=\"node\"><h4>" +
        (node < 0 ? std::string("Outside known NUMA nodes") : "NUMA node " + std::to_string(node)) +
        ": PFN " + formatPfn(cells.front()->start) + "–" +
        formatPfn(Pfn((cells.back()->start + cells.back()->pages).value() - 1)) + ", " +
        (page_size ? formatBytes(PageSize(page_size).toBytes(PageCount(pages)))
                   : formatCount(pages) + " pages") +
        " in " + formatCount(cells.size()) + " cells</h4>\n<svg viewBox=\"0 0 " +
        std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
        std::to_string(width) + "\" height=\"" + std::to_string(height) +
        "\" class=\"map\" role=\"img\" aria-label=\"physical memory map\">\n";
    for (size_t i = 0; i < cells.size(); ++i) {
      const MapCell& c = *cells[i];
      const Pfn end = c.start + c.pages;  // one past the last PFN
      const std::vector<std::pair<std::string, uint64_t>> mix = titleMix(c);
      int col = static_cast<int>(i % kMapColumns), row = static_cast<int>(i / kMapColumns);
      grids += "<rect x=\"" + std::to_string(col * kMapPitch) + "\" y=\"" +
               std::to_string(row * kMapPitch) + "\" width=\"" + std::to_string(kMapCellSize) +
               "\" height=\"" + std::to_string(kMapCellSize) + "\" fill=\"" +
               std::string(categoryColor(c.category)) + "\"><title>PFN " + formatPfn(c.start) +
               "–" + formatPfn(Pfn(end.value() - (end > c.start ? 1 : 0)));
      if (page_size) grids += ", " + formatBytes(PageSize(page_size).toBytes(c.pages));
      grids += ": " + label(c.category);
      // The title lists the mix so hovering tells a mostly-leaked cell from a fully leaked one.
      for (size_t k = 0; k < mix.size() && k < 3; ++k)
        grids += (k ? ", " : " (") + label(mix[k].first) + " " +
                 percent(shareOf(mix[k].second, c.pages.value()));
      grids += ")";
      grids += "</title></rect>\n";
    }
    grids += "</svg></div>\n";
  }
  out_ +=
      "<p>Each cell is a run of physical page frames colored by the category most of its "
      "frames fall in; hover a cell for its PFN range and mix.";
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
