// Parser for /proc/buddyinfo: free blocks per order, per zone.
//
// mm/vmstat.c (frag_show_print) prints "Node %d, zone %8s" then one "%6lu " per order from 0 to
// NR_PAGE_ORDERS-1 (11 orders on x86_64, 14 on arm64 with 64 KiB pages). A block of order k is
// 2^k base pages.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

constexpr size_t kMaxBuddyOrders = 32;

struct BuddyZone {
  unsigned node = 0;
  std::string_view zone;                                // "DMA", "DMA32", "Normal", "Movable", ...
  std::array<uint64_t, kMaxBuddyOrders> free_blocks{};  // free_blocks[k]: free blocks of order k
  size_t orders = 0;                                    // how many orders the line had
  size_t line = 0;

  // Free base pages in this zone: sum of free_blocks[k] << k.
  PageCount freePages() const;
};

// One BuddyZone per well-formed line, in file order. Lines with a different number of orders
// than the first line are reported (and still kept). The text must outlive the result.
std::vector<BuddyZone> parseBuddyinfo(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
