// Golden reports: the text and Markdown reports of each corpus case, checked in under
// testdata/golden/ and compared byte for byte. Regenerate them, when the report changes on
// purpose, with `MEMSIFT_UPDATE_GOLDEN=1 build/bin/analyzer_tests "[golden]"` (testdata/README.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyzer/model/report.h"

namespace memsift::test {

// Masks what differs from one generation and collection of a case to the next (see the .cc),
// renders the text and Markdown reports and compares them with testdata/golden/CASE.txt and
// CASE.md; with MEMSIFT_UPDATE_GOLDEN=1 in the environment, writes them instead.
// Also validates the case's JSON report against docs/report-schema.json.
void checkGoldenReports(const std::string& case_name, report::Report report,
                        const nlohmann::json& expected);

// Validates a JSON report against docs/report-schema.json with python3-jsonschema (Debian's,
// /usr/bin/python3); the validator's errors in `out`, exit code 0 when valid. Skips the test
// (exit 77) when the validator is not installed (.ci/install-deps installs it).
struct SchemaCheck {
  bool valid = false;
  std::string out;
};
SchemaCheck validateReportJson(const std::string& json_text);

}  // namespace memsift::test
