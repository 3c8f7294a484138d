// ParseIssue formatting and the capped IssueSink.
#include "common/parse/parse_issue.h"

#include <cstdio>

namespace memsift::parse {

namespace {

// Keeps an issue printable on a terminal: control bytes become \xNN, long lines are shortened.
std::string printable(std::string_view text) {
  std::string out;
  size_t n = text.size() < IssueSink::kMaxTextBytes ? text.size() : IssueSink::kMaxTextBytes;
  out.reserve(n + 8);
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  return out;
}

}  // namespace

std::string ParseIssue::format() const {
  std::string s = member;
  if (line != 0) s.append(":").append(std::to_string(line));
  s += ": " + message;
  if (!text.empty()) s += ": " + text;
  return s;
}

void IssueSink::report(size_t line, std::string_view text, std::string_view message) {
  ++reported_;
  if (reported_ <= kMaxIssues) {
    out_.push_back(ParseIssue{member_, line, printable(text), std::string(message)});
  } else if (reported_ == kMaxIssues + 1) {
    out_.push_back(
        ParseIssue{member_, line, {}, "too many malformed lines; further issues are not reported"});
  }
}

}  // namespace memsift::parse
