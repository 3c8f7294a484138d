// Splits a whole file held in memory into lines with memchr, allocating nothing.
//
// Bundle members are read whole, so every parser takes a std::string_view of the file and walks
// it with LineReader; the lines it returns are views into that text. A final line without '\n'
// is still a line; an empty text has no lines. A '\r' before the '\n' is removed (the kernel
// never writes one, so the file was converted after capture): the first such line is reported
// once to the optional IssueSink, and values are still parsed.
#pragma once

#include <cstddef>
#include <cstring>
#include <string_view>

#include "common/parse/parse_issue.h"

namespace memsift::parse {

struct Line {
  std::string_view text;  // without '\n' (and without a trailing '\r')
  size_t number = 0;      // 1-based
};

class LineReader {
 public:
  explicit LineReader(std::string_view text, IssueSink* issues = nullptr)
      : text_(text), issues_(issues) {}

  // Returns false at the end of the text.
  bool next(Line& line) {
    if (pos_ >= text_.size()) return false;
    const char* begin = text_.data() + pos_;
    size_t left = text_.size() - pos_;
    const auto* nl = static_cast<const char*>(std::memchr(begin, '\n', left));
    size_t len = nl ? static_cast<size_t>(nl - begin) : left;
    pos_ += nl ? len + 1 : len;
    line.text = std::string_view(begin, len);
    line.number = ++number_;
    if (!line.text.empty() && line.text.back() == '\r') {
      line.text.remove_suffix(1);
      if (issues_ && !cr_reported_) {
        cr_reported_ = true;
        issues_->report(number_, line.text,
                        "line ends in CR (CRLF): the file was converted after capture; parsed "
                        "without the CR");
      }
    }
    return true;
  }

  // Bytes not yet returned; the text from the start of the next line.
  std::string_view rest() const { return text_.substr(pos_); }
  size_t linesRead() const { return number_; }

 private:
  std::string_view text_;
  IssueSink* issues_;
  size_t pos_ = 0;
  size_t number_ = 0;
  bool cr_reported_ = false;
};

// Calls fn(const Line&) for every line of `text`, reporting CRLF to `issues`. An empty text is
// reported as "empty file" (for the files the kernel never leaves empty) unless `empty_is_issue`
// is false. Returns false for an empty text.
template <typename Fn>
bool forEachLine(std::string_view text, IssueSink& issues, Fn&& fn, bool empty_is_issue = true) {
  if (text.empty()) {
    if (empty_is_issue) issues.reportMember("empty file");
    return false;
  }
  LineReader lines(text, &issues);
  Line line;
  while (lines.next(line))
    fn(static_cast<const Line&>(line));
  return true;
}

// Number of lines LineReader would return, for reserving containers once up front.
inline size_t countLines(std::string_view text) {
  size_t n = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    ++n;
    if (!nl) break;
    p = nl + 1;
  }
  return n;
}

}  // namespace memsift::parse
