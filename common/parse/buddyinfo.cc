// Parser for /proc/buddyinfo.
#include "common/parse/buddyinfo.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

PageCount BuddyZone::freePages() const {
  uint64_t pages = 0;
  for (size_t k = 0; k < orders; ++k)
    pages += free_blocks[k] << k;
  return PageCount(pages);
}

std::vector<BuddyZone> parseBuddyinfo(std::string_view text, IssueSink& issues) {
  std::vector<BuddyZone> out;
  out.reserve(countLines(text));
  forEachLine(text, issues, [&](const Line& line) {
    BuddyZone z;
    std::string_view rest = line.text;
    if (!takeNodeZone(rest, z.node, z.zone)) {
      issues.report(line.number, line.text, "expected 'Node N, zone NAME count...'");
      return;
    }
    bool ok = true;
    for (std::string_view f = nextField(rest); !f.empty(); f = nextField(rest)) {
      NumStatus st =
          z.orders < kMaxBuddyOrders ? parseU64(f, z.free_blocks[z.orders]) : NumStatus::kOverflow;
      if (st != NumStatus::kOk) {
        issues.report(
            line.number, line.text,
            st == NumStatus::kOverflow && z.orders >= kMaxBuddyOrders
                ? "more orders than memsift supports (32)"
                : "expected a free block count per order: " + std::string(numStatusText(st)));
        ok = false;
        break;
      }
      ++z.orders;
    }
    if (!ok) return;
    if (z.orders == 0) {
      issues.report(line.number, line.text, "no free block counts");
      return;
    }
    if (!out.empty() && out.front().orders != z.orders) {
      issues.report(line.number, line.text,
                    std::to_string(z.orders) + " orders where line " +
                        std::to_string(out.front().line) + " has " +
                        std::to_string(out.front().orders));
    }
    z.line = line.number;
    out.push_back(z);
  });
  return out;
}

}  // namespace memsift::parse
