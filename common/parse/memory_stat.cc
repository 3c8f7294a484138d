// Parser for cgroup memory.stat (v1 and v2).
#include "common/parse/memory_stat.h"

#include <string>

namespace memsift::parse {

std::optional<ByteCount> MemoryStat::bytes(std::string_view key) const {
  auto v = values.value(key);
  if (!v) return std::nullopt;
  return ByteCount(*v);
}

std::optional<uint64_t> MemoryStat::hierarchical(std::string_view key) const {
  if (flavor != MemoryStatFlavor::kV1) return values.value(key);
  // One small string per lookup, not per line parsed.
  std::string total = "total_";
  total += key;
  return values.value(total);
}

MemoryStat parseMemoryStat(std::string_view text, IssueSink& issues) {
  MemoryStat out;
  out.values = parseKeyValueLines(text, issues);
  const KeyValues& v = out.values;
  if (v.contains("hierarchical_memory_limit") || (v.contains("cache") && v.contains("rss"))) {
    out.flavor = MemoryStatFlavor::kV1;
  } else if (v.contains("anon") && v.contains("file")) {
    out.flavor = MemoryStatFlavor::kV2;
  }
  return out;
}

}  // namespace memsift::parse
