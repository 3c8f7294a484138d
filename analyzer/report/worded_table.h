// Tables whose cells are already worded (`memsift diff`'s sections, the report's Growth section):
// one way to place them in text, Markdown and HTML, each cell made safe for its format there.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace memsift::report {

// Headers, each with whether its column is right-aligned (numbers).
using WordedColumns = std::vector<std::pair<std::string, bool>>;
// Rows of cells; host strings in them not yet escaped.
using WordedRows = std::vector<std::vector<std::string>>;

// A fixed-width table indented by two blanks; text columns may narrow to `elastic` columns so
// that lines fit `fit` (text_layout.h).
void textTable(std::string& out, const WordedColumns& columns, const WordedRows& rows,
               size_t elastic, size_t fit);
// A pipe table and a blank line.
void markdownTable(std::string& out, const WordedColumns& columns, const WordedRows& rows);
// A <table> with numbers right-aligned.
void htmlTable(std::string& out, const WordedColumns& columns, const WordedRows& rows);

}  // namespace memsift::report
