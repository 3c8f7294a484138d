// Fuzz target: every text parser on arbitrary bytes. The first byte picks the parser, the rest
// is the file's text. Parsers must never crash, hang or throw: malformed lines become issues.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/parse/buddyinfo.h"
#include "common/parse/maps.h"
#include "common/parse/meminfo.h"
#include "common/parse/memory_stat.h"
#include "common/parse/mountinfo.h"
#include "common/parse/proc_cgroup.h"
#include "common/parse/slabinfo.h"
#include "common/parse/smaps.h"
#include "common/parse/statm.h"
#include "common/parse/status.h"
#include "common/parse/vmstat.h"
#include "common/parse/zoneinfo.h"

using namespace memsift::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<ParseIssue> found;
  IssueSink issues("fuzz", found);
  switch (data[0] % 16) {
    case 0: parseMeminfo(text, issues); break;
    case 1: parseNodeMeminfo(text, issues); break;
    case 2: parseVmstat(text, issues); break;
    case 3: parseZoneinfo(text, issues); break;
    case 4: parseBuddyinfo(text, issues); break;
    case 5: parseSlabinfo(text, issues); break;
    case 6: parseMountinfo(text, issues); break;
    case 7: parseMounts(text, issues); break;
    case 8: parseMemoryStat(text, issues); break;
    case 9: parseProcCgroup(text, issues); break;
    case 10: parseStatus(text, issues); break;
    case 11: parseStatm(text, issues); break;
    case 12: parseMaps(text, issues); break;
    case 13: parseSmapsTotals(text, issues); break;
    case 14: parseSmapsRollup(text, issues); break;
    default: parseKeyValueLines(text, issues); break;
  }
  for (const ParseIssue& i : found)
    (void)i.format();
  return 0;
}
