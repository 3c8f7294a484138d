// Parser for /proc/vmstat.
#include "common/parse/vmstat.h"

namespace memsift::parse {

Vmstat parseVmstat(std::string_view text, IssueSink& issues) {
  return parseKeyValueLines(text, issues);
}

}  // namespace memsift::parse
