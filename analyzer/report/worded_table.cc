// Worded tables in text, Markdown and HTML (see worded_table.h).
#include "analyzer/report/worded_table.h"

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/markup.h"
#include "analyzer/report/text_layout.h"

namespace memsift::report {

void textTable(std::string& out, const WordedColumns& header, const WordedRows& rows,
               size_t elastic, size_t fit) {
  std::vector<text::Table::Column> columns;
  for (const auto& [name, right] : header)
    columns.push_back({name, right, right ? size_t{0} : elastic});
  text::Table table(std::move(columns));
  for (const std::vector<std::string>& row : rows) {
    std::vector<std::string> cells;
    for (const std::string& cell : row)
      cells.push_back(printable(cell));
    table.row(std::move(cells));
  }
  table.render(out, "  ", fit);
}

void markdownTable(std::string& out, const WordedColumns& columns, const WordedRows& rows) {
  out += '|';
  for (const auto& [name, right] : columns)
    out.append(" ").append(markdownEscape(name)).append(" |");
  out += "\n|";
  for (const auto& [name, right] : columns)
    out += right ? "---:|" : "---|";
  out += '\n';
  for (const std::vector<std::string>& row : rows) {
    out += '|';
    for (const std::string& cell : row)
      out.append(" ").append(markdownEscape(cell)).append(" |");
    out += '\n';
  }
  out += '\n';
}

void htmlTable(std::string& out, const WordedColumns& columns, const WordedRows& rows) {
  out += "<table>\n<tr>";
  for (const auto& [name, right] : columns)
    out += (right ? "<th class=\"n\">" : "<th>") + htmlEscape(name) + "</th>";
  out += "</tr>\n";
  for (const std::vector<std::string>& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      const bool right = i < columns.size() && columns[i].second;
      out += (right ? "<td class=\"n\">" : "<td>") + htmlEscape(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

}  // namespace memsift::report
