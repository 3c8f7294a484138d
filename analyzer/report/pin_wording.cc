// Pins and references in words (see pin_wording.h).
#include "analyzer/report/pin_wording.h"

#include "analyzer/model/format.h"

namespace memsift::report {

bool showPins(const PinEvidence& e) {
  return !e.holders.empty() || e.foll_pins.value_or(0) > 0;
}

std::vector<std::string> pinSentences(const PinEvidence& e) {
  std::vector<std::string> s;
  if (e.foll_pins) {
    s.push_back("Outstanding FOLL_PIN pins: " +
                formatCount(static_cast<uint64_t>(std::max<int64_t>(*e.foll_pins, 0))) +
                " (vmstat nr_foll_pin_acquired - nr_foll_pin_released; one per pinned page). "
                "References taken with FOLL_GET (get_user_pages without FOLL_PIN: older "
                "direct-I/O paths, many drivers) are not counted there.");
  }
  const uint64_t shown = e.holders.size(), all = std::max<uint64_t>(e.holder_count, shown);
  if (!e.census) {
    s.push_back(
        "The bundle has no descriptor census (process-fds.tsv: an older collector): io_uring, "
        "VFIO and RDMA descriptors are unknown; VmPin comes from status alone.");
  } else {
    std::string census = formatCount(all) + (all == 1 ? " process pins" : " processes pin") +
                         " memory or holds descriptors that can (io_uring, VFIO, RDMA), of " +
                         formatCount(e.processes) + " whose descriptors were examined";
    if (e.incomplete > 0) census += " (" + formatCount(e.incomplete) + " of them not whole)";
    s.push_back(census + (shown < all ? "; the largest " + formatCount(shown) + " follow." : "."));
  }
  return s;
}

std::vector<std::string> pinHolderFigures(const PinHolder& h, std::string_view absent) {
  return {formatBytes(h.pinned, absent),
          formatBytes(h.locked, absent),
          h.io_uring == 0 ? std::string(absent) : formatBytes(h.ring_bytes),
          h.io_uring == 0 ? std::string(absent) : formatBytes(h.ring_unmapped, absent),
          formatCount(h.vfio),
          formatCount(h.rdma),
          formatCount(h.pipes)};
}

}  // namespace memsift::report
