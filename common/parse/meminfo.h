// Parser for /proc/meminfo and /sys/devices/system/node/nodeN/meminfo.
//
// fs/proc/meminfo.c prints "Key:<pad>value kB" for sizes and, from hugetlb_report_meminfo()
// (mm/hugetlb.c), "HugePages_Total/Free/Rsvd/Surp:<pad>count" without a unit: those four are
// counts of huge pages, everything else is KiB. drivers/base/node.c prints the same keys with a
// "Node N " prefix. Every key is kept, in file order. The text must outlive the result.
#pragma once

#include <optional>
#include <string_view>

#include "common/parse/keyed_list.h"
#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

// One value: a size (the "kB" lines, held in bytes) or a plain count (HugePages_*).
struct MeminfoValue {
  bool is_size = true;
  uint64_t number = 0;  // bytes when is_size, else the count as printed
};

struct Meminfo {
  KeyedList<MeminfoValue> entries;  // every line, in file order

  // A size in bytes ("AnonPages"); nullopt if absent or not a size.
  std::optional<ByteCount> get(std::string_view key) const;
  // A count without unit ("HugePages_Total"); nullopt if absent or a size.
  std::optional<uint64_t> count(std::string_view key) const;
};

// /proc/meminfo. Lines that are not "Key: number kB" (or "HugePages_*: number") are reported
// and skipped; a missing unit is an issue, since the value's meaning would be a guess.
Meminfo parseMeminfo(std::string_view text, IssueSink& issues);

struct NodeMeminfo {
  std::optional<unsigned> node;  // from the "Node N" prefix; nullopt if no line had one
  Meminfo values;                // keys without the prefix ("MemTotal", "AnonPages", ...)
};

// /sys/devices/system/node/nodeN/meminfo: "Node 0 MemTotal:  123 kB". A line whose node number
// differs from the first line's is reported and skipped.
NodeMeminfo parseNodeMeminfo(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
