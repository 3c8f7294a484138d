// Escapes, widths and code spans (see markup.h).
#include "analyzer/report/markup.h"

namespace memsift::report {

std::string printableWith(std::string_view s, std::string_view (*replace)(char)) {
  std::string p = printable(s);
  std::string out;
  out.reserve(p.size() + p.size() / 8);
  for (char c : p) {
    std::string_view r = replace(c);
    if (r.empty()) {
      out += c;
    } else {
      out += r;
    }
  }
  return out;
}

std::vector<ProsePart> codeSpans(std::string_view prose) {
  std::vector<ProsePart> parts;
  size_t pos = 0;
  while (pos < prose.size()) {
    size_t open = prose.find('`', pos);
    size_t close = open == std::string_view::npos ? open : prose.find('`', open + 1);
    if (close == std::string_view::npos) break;
    if (open > pos) parts.push_back({prose.substr(pos, open - pos), false});
    if (close > open + 1) parts.push_back({prose.substr(open + 1, close - open - 1), true});
    pos = close + 1;
  }
  if (pos < prose.size()) parts.push_back({prose.substr(pos), false});
  return parts;
}

size_t displayWidth(std::string_view s) {
  size_t w = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++w;
  return w;
}

std::string clip(std::string_view s, size_t width) {
  if (displayWidth(s) <= width) return std::string(s);
  size_t keep = width > 3 ? width - 3 : 0;
  size_t cols = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (cols == keep) break;
      ++cols;
    }
  }
  std::string out(s.substr(0, i));
  out.append(width >= 3 ? 3 : width, '.');
  return out;
}

}  // namespace memsift::report
