// What each kind of finding knows beyond its size and place: the figures, ids and sources its
// sentences are made from, as plain data. The analysis fills them; report/finding_wording turns
// them into the summary, evidence and next steps every format shows, so no finding carries
// finished text and a change of wording is made in one place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analyzer/model/pins.h"
#include "common/units.h"

namespace memsift::report {

// Where a figure comes from: a bundle member and a field in it ("proc/meminfo", "AnonPages"),
// or the page-frame scan ("pageframes", "anon_thp_unmapped").
struct Source {
  std::string member;
  std::string field;
};

// What the anonymous-leak findings (unmapped-anon-thp, unmapped-anon, unmapped-anon-counters,
// anon-lru-unexplained) share: their counter evidence comes from Report::anon.
struct AnonLeakFacts {
  bool counters = false;  // meminfo was read: the reconciliation's evidence and next steps apply
  std::optional<uint64_t> thp_split_page_failed;  // proc/vmstat, when above 0
  // Who may hold the pages (the page-scan findings only: they know their cgroups).
  std::optional<PinSuspects> suspects;
};

// The kernel's own count of anonymous folios of one size (6.12+ hugepages-<size>kB/stats/nr_anon)
// against the page scan's unmapped ones of that size.
struct FolioCount {
  ByteCount size;
  uint64_t unmapped = 0;
  uint64_t all = 0;
  std::string member;
};

struct UnmappedThpFacts {
  AnonLeakFacts leak;
  PageCount frames_per_thp;  // of the one size, when there is one
  // The PMD size (0 when unknown) and where it was read: it tells THPs from mTHP large folios.
  ByteCount pmd;
  Source pmd_source;
  std::vector<FolioCount> kernel_counts;
};

struct UnmappedAnonFacts {
  AnonLeakFacts leak;
};

// The counters' view of the anonymous leak (unmapped-anon-counters, anon-lru-unexplained).
struct UnexplainedAnonFacts {
  AnonLeakFacts leak;
  bool page_scan = false;  // the bundle has a page scan, which does not explain the gap
  ByteCount lost;          // frames missing from the scan, in bytes
};

struct PartlyMappedThpFacts {
  PageCount thp_frames;  // every frame of those THPs; Finding::pages are the unmapped ones
  std::optional<uint64_t> deferred_split;  // proc/vmstat thp_deferred_split_page
};

struct ShmemUnmappedFacts {
  std::optional<ByteCount> shmem;  // proc/meminfo Shmem
};

// The anonymous LRU counters against the page scan (figures of both in Report::anon).
struct CountersDisagreeFacts {
  ByteCount difference;  // before the frames missing from the scan are allowed for
  ByteCount lost;        // frames missing from the scan, in bytes
  ByteCount held;        // of the difference, what those frames could hold
};

struct SlabCache {
  std::string name;
  ByteCount bytes;
  uint64_t slabs = 0;
  uint64_t objects = 0;
};
struct SlabFacts {
  std::vector<SlabCache> caches;  // the largest, at most five, largest first
};

struct ThreadOwner {
  int pid = 0;
  std::string comm;
  uint64_t threads = 0;
};
struct KernelStackFacts {
  uint64_t threads = 0;
  std::optional<ThreadOwner> most;  // the process with the most threads
};

struct VmallocFacts {
  ByteCount used;    // VmallocUsed
  ByteCount stacks;  // KernelStack, which VmallocUsed includes
};

struct HugetlbFacts {
  uint64_t total = 0, free = 0, reserved = 0;  // HugePages_Total, _Free, _Rsvd
  ByteCount page;                              // Hugepagesize
  std::optional<ByteCount> scan_unmapped;      // page scan: hugetlb frames mapped by nobody
};

// Page-scan categories that hold memory no counter names.
struct ScanKernelBytes {
  ByteCount unflagged, kernel, other;
};
struct UnaccountedFacts {
  std::optional<ScanKernelBytes> scan;
};

struct ByteOrderFacts {
  uint64_t undefined_frames = 0, flagged_frames = 0;
  double swapped_fit = 0;  // share of the checked frames with only defined bits once swapped
  std::string order;       // as the manifest says it: "little", "big" or ""
  std::string source;      // where the collector took it from ("this machine", ...)
};

// Per cgroup of Finding::cgroups, in the same order: whether the cgroup is still in the bundle's
// tree, and the member that says it has no task (without the page scan).
struct ZombieCgroup {
  bool in_tree = false;
  std::string member;
};
struct ZombieFacts {
  bool page_scan = false;
  std::optional<ByteCount> page_cache;  // of the bytes, page cache (page scan only)
  std::vector<ZombieCgroup> cgroups;
};

struct KernelLogLine {
  std::string text;  // after the record's prefix
  uint64_t line = 0;
};
struct OomFacts {
  std::optional<uint64_t> kills;        // proc/vmstat oom_kill
  uint64_t log_messages = 0;            // OOM messages in dev/kmsg
  std::vector<KernelLogLine> messages;  // the first ten of them
};

struct Counter {
  std::string name;
  uint64_t value = 0;
};
struct ThpFailureFacts {
  uint64_t split_failed = 0, compact_fail = 0, compact_stall = 0;
  std::vector<Counter> counters;  // the proc/vmstat counters the bundle has, in a fixed order
};

struct NodeFree {
  int node = 0;
  ByteCount free;
};
struct NumaMissFacts {
  uint64_t hit = 0, miss = 0;
  std::vector<NodeFree> nodes;  // proc/zoneinfo, when read
};

// The page size the bundle records against what the system's counts imply.
struct PageSizeFacts {
  uint64_t recorded = 0, likely = 0;
  std::string recorded_source;  // manifest host.page_size_source; "" when not recorded
  ByteCount mem_total;
  std::optional<uint64_t> zones_present;  // present pages that cannot hold MemTotal at `recorded`
  std::optional<Pfn> tables_end;          // the tables' end PFN that cannot hold it
};

// A counter the kernel printed that cannot be true (counters-impossible): more than the host
// holds, the ledger's disjoint parts above MemTotal, or the nodes' counters not adding up to the
// host's. `value` is the counter (or the parts' or nodes' sum), `bound` what it may not exceed
// (or, for the nodes, equal) by more than `allowed` (the counters' movement during collection
// and the per-CPU counters' slack).
enum class ImpossibleKind { kAboveMemTotal, kPartsAboveMemTotal, kNodesDisagree };
struct ImpossibleCounter {
  ImpossibleKind kind = ImpossibleKind::kAboveMemTotal;
  std::string name;  // "Inactive(file)"; for the parts, "" (the ledger's lines)
  ByteCount value, bound, allowed;
  Source source;
};
struct CountersImpossibleFacts {
  std::vector<ImpossibleCounter> counters;
  bool page_scan = false;  // the bundle has page-frame tables, which do not depend on counters
};

// Defined at the end of this file (growth over a snapshot series).
struct GrowingUnmappedFacts;
struct GrowingCgroupFacts;

using FindingFacts =
    std::variant<std::monostate, UnmappedThpFacts, UnmappedAnonFacts, UnexplainedAnonFacts,
                 PartlyMappedThpFacts, ShmemUnmappedFacts, CountersDisagreeFacts, SlabFacts,
                 KernelStackFacts, VmallocFacts, HugetlbFacts, UnaccountedFacts, ByteOrderFacts,
                 ZombieFacts, OomFacts, ThpFailureFacts, NumaMissFacts, PageSizeFacts,
                 CountersImpossibleFacts, GrowingUnmappedFacts, GrowingCgroupFacts>;

// A figure of a snapshot series that grows steadily (analysis/growth_fit.h): how fast, how
// steadily, and since when.
struct GrowthTrend {
  double bytes_per_hour = 0;  // least-squares slope
  int64_t first = 0, last = 0;
  double r_squared = 0, grew_share = 0;
  double since_seconds = 0;  // after the first snapshot
  std::optional<int64_t> since_unix_time;
};

// growing-unmapped about anonymous memory that no process maps, in one memory cgroup: its
// memory.stat anon against the RssAnon of the processes in it and below it.
struct UnmappedCgroupGrowth {
  std::string path;
  GrowthTrend unmapped;        // anon minus the processes' RssAnon
  double mapped_per_hour = 0;  // the processes' RssAnon, over the same snapshots
};

// growing-unmapped: the ledger's residual (`residual`), or anonymous memory that no process maps
// (the anonymous LRU against every process's RssAnon: `host`; per memory cgroup: `cgroups`),
// grows steadily.
struct GrowingUnmappedFacts {
  bool residual = false;            // the ledger's residual; else anonymous memory
  std::optional<GrowthTrend> host;  // the residual, or Active+Inactive(anon) minus RssAnon
  std::optional<double> lru_per_hour, mapped_per_hour;  // anon LRU and the RssAnon sum alone
  std::vector<UnmappedCgroupGrowth> cgroups;            // fastest first
  uint64_t snapshots = 0;
  double seconds = 0;
};

// growing-cgroup: a memory cgroup whose usage (or anon, without usage) grows steadily.
struct GrowingCgroupFacts {
  std::string path;
  std::string figure;  // "usage" or "anon"
  GrowthTrend trend;
  // The memory.stat lines over the same snapshots: what kind of memory grows.
  std::optional<double> anon_per_hour, file_per_hour, shmem_per_hour;
  uint64_t snapshots = 0;
  double seconds = 0;
};

// The suspects of a finding that has them (unmapped-anon-thp, unmapped-anon), else null.
inline const PinSuspects* findingSuspects(const FindingFacts& facts) {
  const AnonLeakFacts* leak = nullptr;
  if (auto* t = std::get_if<UnmappedThpFacts>(&facts)) leak = &t->leak;
  if (auto* a = std::get_if<UnmappedAnonFacts>(&facts)) leak = &a->leak;
  return leak && leak->suspects ? &*leak->suspects : nullptr;
}

}  // namespace memsift::report
