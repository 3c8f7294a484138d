// One entry point for every report format: `memsift report --format` names a Format, and
// renderReport() hands the one report model to that format's renderer.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "analyzer/model/report.h"
#include "analyzer/report/text_renderer.h"

namespace memsift::report {

enum class Format { kText, kJson, kMarkdown, kHtml };

// "text", "json", "markdown" (or "md"), "html"; throws a usage Error naming the choices.
Format parseFormat(std::string_view name);
std::string_view formatName(Format format);  // "text", "json", "markdown", "html"

// Appends the report in the given format to `out`.
// `text` applies to the text format only.
void renderReport(const Report& report, Format format, std::string& out,
                  const TextOptions& text = {});
// Writes the report to a stream (renders into one buffer, then writes it at once).
void renderReport(const Report& report, Format format, std::ostream& out,
                  const TextOptions& text = {});

}  // namespace memsift::report
