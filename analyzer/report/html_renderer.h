// The HTML renderer: one self-contained file (inline CSS and SVG, no script, nothing fetched)
// with pictures of where memory went: findings, ledger bar, waterfall, physical memory map.
#pragma once

#include <string>
#include <string_view>

#include "analyzer/model/report.h"

namespace memsift::report {

// Appends the report as one HTML document.
void renderHtml(const Report& report, std::string& out);

// Escapes a string from the host for HTML text and attribute values: control characters become
// "\xNN" (printable()), and & < > " ' become character references, so nothing in it can open a
// tag, end an attribute or start a script.
std::string htmlEscape(std::string_view s);

}  // namespace memsift::report
