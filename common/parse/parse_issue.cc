// ParseIssue formatting and the capped IssueSink.
#include "common/parse/parse_issue.h"

#include "common/text/terminal_text.h"

namespace memsift::parse {

namespace {

// Keeps an issue printable on a terminal (control bytes and bytes that are not UTF-8 become
// \xNN) and short.
std::string shortPrintable(std::string_view text) {
  if (text.size() <= IssueSink::kMaxTextBytes) return printable(text);
  // Cut at a character boundary: a cut UTF-8 sequence would become \xNN bytes.
  size_t n = IssueSink::kMaxTextBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80)
    --n;
  return printable(text.substr(0, n)) + "...";
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
    out_.push_back(ParseIssue{member_, line, shortPrintable(text), std::string(message)});
  } else if (reported_ == kMaxIssues + 1) {
    out_.push_back(
        ParseIssue{member_, line, {}, "too many malformed lines; further issues are not reported"});
  }
}

}  // namespace memsift::parse
