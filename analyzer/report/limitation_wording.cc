// What each limitation of a report says: the conclusion that could not be drawn, and why
// (see limitationText() in wording.h).
#include "analyzer/report/wording.h"

namespace memsift::report {

std::string limitationText(const Limitation& l) {
  switch (l.kind) {
    case LimitationKind::kBundleDamaged:
      return "the bundle is damaged (" + l.detail +
             "): reading resumed after the damage, but the members of the damaged part are "
             "missing from every conclusion";
    case LimitationKind::kBundleIncomplete:
      return "the bundle is incomplete (" + l.detail +
             "): members after that point are missing from every conclusion";
    case LimitationKind::kCollectorStopped:
      return "the collector stopped before the end (see index.json): sources it did not reach "
             "are listed as missing";
    case LimitationKind::kNoMeminfo:
      return "the ledger and the reconciliation: proc/meminfo is missing";
    case LimitationKind::kByteOrderSuspect:
      return "page-frame classification and every finding from it (unmapped memory, cgroups, "
             "NUMA nodes, physical ranges): " +
             formatCount(l.frames) + " of the " + formatCount(l.of_frames) +
             " page frames with flags carry bits no kernel defines, so the tables are probably "
             "not " +
             (l.detail.empty() ? std::string("in the byte order the bundle names")
                               : l.detail + "-endian as the bundle says") +
             " (see the finding byte-order-suspect)";
    case LimitationKind::kNoPageTables:
      return "page-frame classification, unmapped THP and base-page detection, and where memory "
             "is (NUMA nodes, cgroups, physical ranges): the bundle has no page-frame tables "
             "(run memsift-collect as root)";
    case LimitationKind::kNoPageCounts:
      return "mapped vs unmapped by map count, and partly mapped THPs: the bundle has no "
             "kpagecount (the mmap flag is used instead)";
    case LimitationKind::kPageCountsLost:
      return formatCount(l.frames) +
             " page frames lost their kpagecount to damage: partly mapped THPs are not told apart";
    case LimitationKind::kNoPageCgroups:
      return "memory cgroup attribution of page frames: the bundle has no kpagecgroup (kernel "
             "without CONFIG_MEMCG)";
    case LimitationKind::kPageCgroupsLost:
      return formatCount(l.frames) +
             " page frames lost their kpagecgroup to damage: they are attributed to no cgroup";
    case LimitationKind::kFramesLostUnknown:
      return "the page-frame tables were cut and the bundle has no memory layout to tell how "
             "many frames are missing: page-scan figures are lower bounds, and the counters are "
             "not compared with them (no counters-disagree, no anon-lru-unexplained)";
    case LimitationKind::kFramesLost:
      return formatCount(l.frames) + " page frames (" + formatBytes(l.bytes) +
             ") are missing from the tables (damage or truncation): page-scan figures are lower "
             "bounds by up to that much, and counters-disagree and anon-lru-unexplained are "
             "raised only for differences those frames cannot hold";
    case LimitationKind::kNoMemoryLayout:
      return "NUMA node attribution and telling holes from unflagged memory: no memory block or "
             "zoneinfo layout in the bundle";
    case LimitationKind::kNoProcesses:
      return "per-process figures: no process was captured";
    case LimitationKind::kNoSmaps:
      return "PSS and USS: no smaps or smaps_rollup was captured";
    case LimitationKind::kPageSizeWrong:
      return "every byte figure derived from page counts (the page-frame classification, the "
             "unmapped-memory findings, cgroup and node amounts): the bundle's page size " +
             formatPageSize(l.bytes.value()) + " (" +
             (l.detail.empty() ? std::string("source not recorded by the collector that wrote "
                                             "the bundle")
                               : l.detail) +
             ") cannot be the system's (see the finding page-size-mismatch)";
  }
  return {};
}

}  // namespace memsift::report
