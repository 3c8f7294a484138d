// Helpers for the parser tests: the captured and seed inputs, and issue checks.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/parse/parse_issue.h"
#include "tests/test_support.h"

namespace memsift::parse::test {

// A file of testdata/captured/x86_64-6.18 (real files from a live 6.18 kernel).
inline std::string captured(const std::string& name) {
  return memsift::test::readFile(memsift::test::sourceDir() / "testdata/captured/x86_64-6.18" /
                                 name);
}
// A file of testdata/seed (the incident's meminfo and vmstat).
inline std::string seed(const std::string& name) {
  return memsift::test::readFile(memsift::test::sourceDir() / "testdata/seed" / name);
}

// All issues formatted, one per line, for readable failures.
inline std::string formatted(const std::vector<ParseIssue>& issues) {
  std::string s;
  for (const ParseIssue& i : issues)
    s += i.format() + "\n";
  return s;
}

// The issues of one parse: `Issues is("proc/maps"); parseMaps(text, is.sink);`.
struct Issues {
  explicit Issues(std::string_view member) : sink(member, list) {}
  std::vector<ParseIssue> list;
  IssueSink sink;
  std::string text() const { return formatted(list); }
  std::vector<size_t> lines() const {
    std::vector<size_t> out;
    for (const ParseIssue& i : list)
      out.push_back(i.line);
    return out;
  }
};

}  // namespace memsift::parse::test
