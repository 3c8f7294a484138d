// The text renderer: the report for a terminal and for plain-text ticket attachments, in
// fixed-width tables with human units (analyzer/model/format.h), findings first.
#pragma once

#include <string>

#include "analyzer/model/report.h"

namespace memsift::report {

// Appends the report as plain text. Strings from the host pass through printable(), so a
// process name cannot send escape sequences to the reader's terminal.
// Tables fit `width` terminal columns (0: as wide as their data, `memsift report --wide`): the
// process table then drops its least-read columns, and long text cells (command lines, cgroup
// paths, details) are cut with "...". Prose wraps at 100 columns either way.
struct TextOptions {
  size_t width = 100;
};

void renderText(const Report& report, std::string& out, const TextOptions& options = {});

}  // namespace memsift::report
