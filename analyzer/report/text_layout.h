// The text report's layout: fixed-width tables that fit a terminal, and prose wrapped at 100
// columns.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace memsift::report::text {

// Prose (summaries, evidence, next steps) wraps here so the report reads in a 100-column
// terminal and in a ticket's fixed-width view; tables are as wide as their data.
inline constexpr size_t kWrapWidth = 100;

// A fixed-width table: columns padded to their widest cell (in terminal columns); the last
// column is not padded so long cmdlines do not leave trailing blanks. Given a width, the table
// fits it by narrowing its elastic columns (free text: command lines, paths, details), last one
// first, down to their minimum, cutting their cells with "..."; numbers are never cut.
class Table {
 public:
  struct Column {
    std::string header;
    bool right = false;  // numbers align right
    size_t elastic = 0;  // > 0: may be narrowed down to this many columns
  };
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  // `fit`: the whole line's width at most, indent included (0: no limit).
  void render(std::string& out, std::string_view indent, size_t fit = 0) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Appends printable text as lines of at most kWrapWidth columns: the first line starts with
// `first`, the others with `rest`. A word longer than a line is kept whole, and so is `tail`
// (a source in brackets), which follows the text after two spaces.
void wrapped(std::string& out, std::string_view first, std::string_view rest, std::string_view text,
             std::string_view tail = {});

}  // namespace memsift::report::text
