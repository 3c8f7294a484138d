// `memsift diff` in the four formats: JSON from the model (schema memsift-diff/1,
// docs/report-schema.md), text, Markdown and HTML from the one DiffView.
#pragma once

#include <string>

#include "analyzer/model/diff.h"
#include "analyzer/report/render.h"

namespace memsift::report {

void renderDiff(const DiffReport& d, Format format, std::string& out);

}  // namespace memsift::report
