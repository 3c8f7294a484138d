// The Markdown renderer: the report as a support engineer's write-up for the ticket: the finding
// first (what, how much, where), its evidence with sources, what to do next, then the tables.
#pragma once

#include <string>
#include <string_view>

#include "analyzer/model/report.h"

namespace memsift::report {

// Appends the report as GitHub-flavoured Markdown.
void renderMarkdown(const Report& report, std::string& out);

// Makes a string from the host inert in Markdown text and table cells: control characters become
// "\xNN" (printable()), Markdown punctuation is backslash-escaped and <, >, & become entities, so
// a process name can neither format the report, inject links or HTML, nor break a table.
std::string markdownEscape(std::string_view s);

// The Growth section, only for a bundle with a snapshot series (markdown_growth.cc).
void renderGrowthMarkdown(const Report& report, std::string& out);

}  // namespace memsift::report
