// `memsift frame` output: text for a person (one block per frame, crash's `kmem -p` in spirit)
// and JSON (schema memsift-frame/1, docs/report-schema.md).
#pragma once

#include <string>

#include "analyzer/model/frame_report.h"

namespace memsift::report {

void renderFrameText(const FrameReport& r, std::string& out);
void renderFrameJson(const FrameReport& r, std::string& out);

}  // namespace memsift::report
