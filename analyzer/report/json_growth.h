// The JSON report's `growth` object (docs/report-schema.md), present only for a bundle with a
// snapshot series.
#pragma once

#include <nlohmann/json.hpp>

#include "analyzer/model/growth.h"

namespace memsift::report {

nlohmann::ordered_json growthJson(const Growth& g);

}  // namespace memsift::report
