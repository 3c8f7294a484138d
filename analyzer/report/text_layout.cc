// Fixed-width tables and wrapped prose (see text_layout.h).
#include "analyzer/report/text_layout.h"

#include <algorithm>

#include "analyzer/report/markup.h"

namespace memsift::report::text {

void Table::render(std::string& out, std::string_view indent, size_t fit) const {
  std::vector<size_t> width(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c)
    width[c] = displayWidth(columns_[c].header);
  for (const auto& r : rows_)
    for (size_t c = 0; c < r.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], displayWidth(r[c]));
  if (fit > 0) {
    size_t total = displayWidth(indent);
    for (size_t c = 0; c < width.size(); ++c)
      total += width[c] + (c > 0 ? 2 : 0);
    for (size_t c = columns_.size(); c-- > 0 && total > fit;) {
      size_t floor = std::max(columns_[c].elastic, displayWidth(columns_[c].header));
      if (columns_[c].elastic == 0 || width[c] <= floor) continue;
      size_t cut = std::min(width[c] - floor, total - fit);
      width[c] -= cut;
      total -= cut;
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text(indent);
    for (size_t c = 0; c < columns_.size(); ++c) {
      std::string cell = c < cells.size() ? cells[c] : std::string();
      if (displayWidth(cell) > width[c]) cell = clip(cell, width[c]);
      size_t pad = width[c] - displayWidth(cell);
      bool last = c + 1 == columns_.size();
      if (c > 0) text += "  ";
      if (columns_[c].right) text.append(pad, ' ');
      text += cell;
      if (!columns_[c].right && !last) text.append(pad, ' ');
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text;
    out += '\n';
  };
  std::vector<std::string> headers;
  for (const Column& c : columns_)
    headers.push_back(c.header);
  line(headers);
  for (const auto& r : rows_)
    line(r);
}

void wrapped(std::string& out, std::string_view first, std::string_view rest, std::string_view text,
             std::string_view tail) {
  std::string line(first);
  size_t width = displayWidth(first);
  bool empty = true;
  auto add = [&](std::string_view word, std::string_view gap) {
    size_t w = displayWidth(word);
    if (!empty && width + gap.size() + w > kWrapWidth) {
      out += line;
      out += '\n';
      line = rest;
      width = displayWidth(rest);
      empty = true;
    }
    if (!empty) {
      line += gap;
      width += gap.size();
    }
    line += word;
    width += w;
    empty = false;
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (end > i) add(text.substr(i, end - i), " ");
    i = end + 1;
  }
  if (!tail.empty()) add(tail, "  ");
  out += line;
  out += '\n';
}

}  // namespace memsift::report::text
