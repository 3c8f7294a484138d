// Names of the report model's enumerations.
#include "analyzer/model/report.h"

namespace memsift::report {

std::string_view severityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "info";
}

}  // namespace memsift::report
