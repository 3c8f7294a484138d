// A memory cgroup's figures as the analysis reads them from its files, for the bundle's cgroups
// and for each snapshot of a series alike: memory.stat's anon, file, shmem and unevictable of the
// subtree, and the usage counter.
#pragma once

#include <optional>
#include <string_view>

#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::analysis {

struct CgroupStatFigures {
  std::optional<ByteCount> anon, file, shmem, unevictable;
};

CgroupStatFigures cgroupStatFigures(std::string_view memory_stat, parse::IssueSink& issues);
// memory.current or memory.usage_in_bytes ("123456\n"); nullopt if it is not a number.
std::optional<ByteCount> cgroupUsage(std::string_view text);

}  // namespace memsift::analysis
