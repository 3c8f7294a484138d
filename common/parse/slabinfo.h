// Parser for /proc/slabinfo, format version 2.1.
//
// mm/slab_common.c (print_slabinfo_header, cache_show) prints "slabinfo - version: 2.1", a
// "# name <active_objs> ..." comment, then per cache:
// "name active_objs num_objs objsize objperslab pagesperslab : tunables limit batchcount
// sharedfactor : slabdata active_slabs num_slabs sharedavail". SLUB prints 0 for the tunables.
// The file is mode 0400 (root only). The text must outlive the result.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

struct SlabCache {
  std::string_view name;
  uint64_t active_objs = 0;
  uint64_t num_objs = 0;
  ByteCount objsize;
  uint64_t objs_per_slab = 0;
  PageCount pages_per_slab;
  uint64_t active_slabs = 0;
  uint64_t num_slabs = 0;
  size_t line = 0;

  // Pages held by the cache's slabs: num_slabs x pagesperslab.
  PageCount pages() const { return PageCount(num_slabs * pages_per_slab.value()); }
};

struct Slabinfo {
  std::string_view version;  // "2.1"; other versions are reported and parsed the same way
  std::vector<SlabCache> caches;
};

Slabinfo parseSlabinfo(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
