// The JSON renderer: the report for other tools, schema "memsift-report/2", every key documented
// in docs/report-schema.md. Byte values are integers named "bytes" or "*_bytes".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "analyzer/model/report.h"

namespace memsift::report {

// The report as a JSON document, keys in the documented order (for callers that embed it).
nlohmann::ordered_json reportToJson(const Report& report);
// Appends the report as pretty-printed JSON and a final newline. Strings from the host that are
// not valid UTF-8 are written with U+FFFD in place of the bad bytes instead of failing.
void renderJson(const Report& report, std::string& out);

}  // namespace memsift::report
