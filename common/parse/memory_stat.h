// Parser for a memory cgroup's memory.stat, cgroup v1 and v2 ("key value" lines).
//
// v1 (mm/memcontrol-v1.c, memcg1_stat_format; Documentation/admin-guide/cgroup-v1/memory.rst)
// prints this cgroup's own counters ("cache", "rss", "mapped_file", ...), the
// hierarchical_memory_limit/hierarchical_memsw_limit, then the same counters summed over the
// subtree with a "total_" prefix. v2 (mm/memcontrol.c, memory_stat_format;
// Documentation/admin-guide/cgroup-v2.rst) prints hierarchical values under plain names ("anon",
// "file", "kernel", ...). Sizes are in bytes in both; event counters (pgfault, ...) are counts.
// Every key is kept in file order. The text must outlive the result.
#pragma once

#include <optional>
#include <string_view>

#include "common/parse/keyed_list.h"
#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

enum class MemoryStatFlavor {
  kUnknown,
  kV1,  // has "cache"/"rss" or "hierarchical_memory_limit"
  kV2,  // has "anon" and "file"
};

struct MemoryStat {
  KeyValues values;
  MemoryStatFlavor flavor = MemoryStatFlavor::kUnknown;

  std::optional<uint64_t> get(std::string_view key) const { return values.value(key); }
  // For keys the caller knows are sizes ("anon", "rss", "total_cache", ...).
  std::optional<ByteCount> bytes(std::string_view key) const;
  // v1: the subtree's value ("total_<key>"); v2 (already hierarchical) and unknown: "<key>".
  std::optional<uint64_t> hierarchical(std::string_view key) const;
};

MemoryStat parseMemoryStat(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
