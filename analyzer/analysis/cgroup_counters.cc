// memory.stat and the usage counter into a cgroup's figures (see cgroup_counters.h).
#include "analyzer/analysis/cgroup_counters.h"

#include "common/parse/fields.h"
#include "common/parse/memory_stat.h"

namespace memsift::analysis {

CgroupStatFigures cgroupStatFigures(std::string_view memory_stat, parse::IssueSink& issues) {
  parse::MemoryStat s = parse::parseMemoryStat(memory_stat, issues);
  const bool v2 = s.flavor == parse::MemoryStatFlavor::kV2;
  // v1's rss/cache are this cgroup's own pages; the analysis wants the subtree (total_*),
  // which is what v2 reports directly.
  auto get = [&](std::string_view v1, std::string_view v2key) -> std::optional<ByteCount> {
    auto v = v2 ? s.get(v2key) : s.hierarchical(v1);
    return v ? std::optional(ByteCount(*v)) : std::nullopt;
  };
  return {get("rss", "anon"), get("cache", "file"), get("shmem", "shmem"),
          get("unevictable", "unevictable")};
}

std::optional<ByteCount> cgroupUsage(std::string_view text) {
  uint64_t v = 0;
  if (parse::parseU64(parse::oneLineValue(text), v) != parse::NumStatus::kOk) return std::nullopt;
  return ByteCount(v);
}

}  // namespace memsift::analysis
