// How the text parsers report a malformed line without throwing: ParseIssue and IssueSink.
//
// Parsers never throw for bad content (the evidence is what it is); each bad line becomes a
// ParseIssue in a vector the caller owns, and the rest of the file is still parsed. Printed like
// ninja's errors: "proc/meminfo:12: expected 'Key: value kB': <text>".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace memsift::parse {

struct ParseIssue {
  std::string member;   // bundle member name, e.g. "proc/meminfo"
  size_t line = 0;      // 1-based; 0 when the issue concerns the whole member (e.g. empty)
  std::string text;     // the offending line, control bytes escaped, long lines shortened
  std::string message;  // what was expected

  // "member:line: message: text" (the ": text" part only when there is text; "member: message"
  // when line is 0).
  std::string format() const;
};

// Where one parse reports: the member's name and the caller's vector. After kMaxIssues issues
// further ones are only counted (a megabyte of garbage must not become a million messages); one
// last issue says so when the first one is dropped.
class IssueSink {
 public:
  static constexpr size_t kMaxIssues = 100;
  // Longest line text kept in an issue; longer lines end in "...".
  static constexpr size_t kMaxTextBytes = 160;

  IssueSink(std::string_view member, std::vector<ParseIssue>& out) : member_(member), out_(out) {}

  void report(size_t line, std::string_view text, std::string_view message);
  // Reports about the whole member (line 0, no text).
  void reportMember(std::string_view message) { report(0, {}, message); }

  std::string_view member() const { return member_; }
  size_t reported() const { return reported_; }  // all issues, kept or dropped
  size_t dropped() const { return reported_ > kMaxIssues ? reported_ - kMaxIssues : 0; }

 private:
  std::string member_;
  std::vector<ParseIssue>& out_;
  size_t reported_ = 0;
};

}  // namespace memsift::parse
