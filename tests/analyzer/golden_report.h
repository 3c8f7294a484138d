// Golden reports: the text and Markdown reports of each corpus case, checked in under
// testdata/golden/ and compared byte for byte. Regenerate them, when the report changes on
// purpose, with `MEMSIFT_UPDATE_GOLDEN=1 build/bin/analyzer_tests "[golden]"` (testdata/README.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyzer/report/report.h"

namespace memsift::test {

// Masks what differs from one generation and collection of a case to the next (see the .cc),
// renders the text and Markdown reports and compares them with testdata/golden/CASE.txt and
// CASE.md; with MEMSIFT_UPDATE_GOLDEN=1 in the environment, writes them instead.
void checkGoldenReports(const std::string& case_name, report::Report report,
                        const nlohmann::json& expected);

}  // namespace memsift::test
