// The text renderer: the report for a terminal and for plain-text ticket attachments, in
// fixed-width tables with human units (units_format.h), findings first.
#pragma once

#include <string>

#include "analyzer/report/report.h"

namespace memsift::report {

// Appends the report as plain text. Strings from the host pass through printable(), so a
// process name cannot send escape sequences to the reader's terminal.
void renderText(const Report& report, std::string& out);

}  // namespace memsift::report
