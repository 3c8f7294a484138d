// The report model: everything memsift concluded about one bundle, as plain data. Analysis fills
// it; each renderer (text, JSON, Markdown, HTML) only reads it. Byte amounts are ByteCount; page
// amounts PageCount; every figure that comes from the bundle names its source. The model holds
// no layout and no sentences: how its figures are written is format.h, the sentences around them
// report/wording.h and report/finding_wording.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bundle/damage.h"
#include "analyzer/model/finding_facts.h"
#include "analyzer/model/growth.h"
#include "analyzer/model/pins.h"
#include "common/units.h"

namespace memsift::report {

struct Host {
  std::string hostname;
  std::string kernel;  // release, e.g. "4.18.0-147.el8.aarch64"
  std::string arch;
  uint64_t page_size = 0;
  std::string byte_order;
  ByteCount mem_total;
  std::optional<double> uptime_seconds;
  std::string collected_at;  // ISO 8601 UTC, as the collector recorded it
  std::string collector_version;
  int nodes = 0;  // NUMA nodes seen
  // Transparent huge pages: "present" (sys/kernel/mm/transparent_hugepage was read), "absent"
  // (the collector found no such directory: the kernel offers no THP, e.g. s390x without EDAT,
  // so every anonymous page is a base page), or "" when the bundle does not say.
  std::string thp;
};

struct MissingSource {
  std::string path;
  std::string status;  // absent, denied, vanished, error, truncated, timeout
  std::string detail;
};

// A conclusion the bundle does not allow, and why.
enum class LimitationKind {
  kBundleDamaged,     // reading resumed after damage; detail: the first damage
  kBundleIncomplete,  // the bundle ends early; detail: the first damage (or no index.json)
  kCollectorStopped,  // the collector stopped before the end
  kNoMeminfo,
  kByteOrderSuspect,  // frames: with undefined bits, of_frames: with flags; detail: byte order
  kNoPageTables,
  kNoPageCounts,       // no kpagecount
  kPageCountsLost,     // frames: lost their kpagecount to damage
  kNoPageCgroups,      // no kpagecgroup
  kPageCgroupsLost,    // frames: lost their kpagecgroup to damage
  kFramesLostUnknown,  // tables cut, no layout to tell how many frames are missing
  kFramesLost,         // frames, bytes: missing from the tables
  kNoMemoryLayout,
  kNoProcesses,
  kNoSmaps,
  kPageSizeWrong,  // bytes: the recorded page size; detail: its source ("" when not recorded)
};
struct Limitation {
  LimitationKind kind;
  std::string detail;
  uint64_t frames = 0, of_frames = 0;
  ByteCount bytes;
};

struct Collection {
  bool complete = false;  // the collector finished and the bundle is intact
  bool partial = false;   // the analysis lacks something it would have used (damage, missing)
  std::vector<MissingSource> missing;  // sources not captured whole (vanished processes omitted)
  uint64_t vanished_processes = 0;
  // Bundle damage and problems: which member, how far into it, what kind, and the reader's words.
  std::vector<bundle::Damage> damage;
  std::vector<std::string> parse_issues;  // malformed lines, formatted "member:line: msg: text"
  // Conclusions that could not be drawn, and why (report/limitation_wording.cc says them).
  std::vector<Limitation> limitations;
};

// One line of the memory ledger: MemTotal split into parts.
struct LedgerLine {
  std::string id;     // "anon_lru_active"
  std::string label;  // "Anonymous LRU, active"
  ByteCount bytes;
  Source source;
};

struct Ledger {
  ByteCount mem_total;
  Source mem_total_source;
  std::vector<LedgerLine> lines;  // the parts, in a fixed order; their sum plus residual = total
  // MemTotal minus the lines: memory nobody's counters account for. Negative when the lines
  // overlap or counters moved; kept signed so renderers show it honestly.
  int64_t residual_bytes = 0;
  // Counters that cannot be true (counters-impossible): the shares and residual mean nothing.
  bool untrusted = false;
};

// The core reconciliation of anonymous memory: what the LRU holds against what processes map.
struct AnonReconciliation {
  ByteCount lru_anon;  // Active(anon) + Inactive(anon)
  ByteCount active_anon, inactive_anon;
  ByteCount anon_pages;                       // AnonPages: anon pages mapped into page tables
  ByteCount shmem;                            // Shmem: also on the anon LRU
  std::optional<ByteCount> process_rss_anon;  // sum of RssAnon over processes
  std::optional<ByteCount> process_pss_anon;  // sum of Pss_Anon (no double count after fork)
  uint64_t processes = 0;
  std::optional<ByteCount> frames_lru_anon;       // page scan: swapbacked LRU pages
  std::optional<ByteCount> frames_anon_unmapped;  // page scan: anon, no process maps it
  // Frames the scan should have seen but did not (damage, truncation): the scan figures are
  // lower bounds by up to this much. Absent when the bundle does not say how many there are.
  std::optional<PageCount> frames_lost;
  bool frames_lost_unknown = false;  // the tables were cut and the layout cannot tell how much
  // LRU anon not explained by mapped anon and shmem: lru_anon - anon_pages - shmem (>= 0).
  ByteCount unexplained;
  // The same difference with its sign: negative when AnonPages + Shmem exceed the anon LRU
  // (mapped anon or shmem pages that are not on it: unevictable, isolated, in per-CPU batches).
  int64_t difference_bytes = 0;
  std::optional<ByteCount> unevictable;  // meminfo Unevictable, which explains a negative one
  double unexplained_share = 0;          // of MemTotal
  // How far the counters moved between the readings before and after the page tables: the
  // error bound of any comparison between counters and the page scan.
  std::optional<ByteCount> drift;
  std::vector<Source> sources;
};

// MemFree against the zones' free lists and the page scan, zone by zone: where "free" in the
// ledger and "free (buddy)" in the page frames part ways, and why (memory present but not yet
// managed by the buddy allocator: deferred struct-page initialisation; boot reservations).
struct ZoneFree {
  int node = 0;
  std::string zone;                                        // "Normal"
  PageCount present, managed, free;                        // proc/zoneinfo
  std::optional<PageCount> frames_free, frames_unflagged;  // page scan, inside the zone's span
};

struct FreeReconciliation {
  ByteCount mem_free, mem_total;                           // proc/meminfo
  ByteCount zones_free, zones_managed, zones_present;      // proc/zoneinfo, summed
  std::optional<ByteCount> frames_free, frames_unflagged;  // page scan, whole host
  int64_t free_beyond_zones = 0;                           // MemFree - zones_free
  int64_t total_beyond_managed = 0;                        // MemTotal - zones_managed
  std::vector<ZoneFree> zones;                             // populated zones, in zoneinfo order
  // What explains the differences (report/free_wording.cc says it): how far apart counts may be
  // and still agree (MemFree's movement during collection, at least 1% or 4 MiB); present minus
  // managed pages over the zones, in bytes; the zone with the most of them; the frames the scan
  // lacks, in bytes (nullopt: an unknown number).
  ByteCount tolerance;
  ByteCount unmanaged;
  std::optional<ZoneFree> widest_unmanaged;
  std::optional<ByteCount> frames_lost = ByteCount();
  std::vector<Source> sources;
};

enum class Severity { kInfo, kWarning, kCritical };

struct CgroupBytes {
  std::string path;  // relative to the memory hierarchy's root, starting with "/"; or "@INODE"
  uint64_t inode = 0;
  ByteCount bytes;
};
struct NodeBytes {
  int node = -1;  // -1: outside every known node range
  ByteCount bytes;
};
struct PfnRangeOut {
  Pfn start;
  PageCount pages;
};

// One size of compound page in a THP finding: `count` of them, `bytes` each.
struct ThpSize {
  ByteCount bytes;
  uint64_t count = 0;
};

// Why a finding cannot say which memory cgroup or NUMA node its frames are in: what the bundle
// lacks (report/wording.cc says it).
enum class UnknownBecause {
  kNoPageCgroupTable,  // no kpagecgroup table: the frames' cgroups were never read
  kNoMemoryLayout,     // neither memory-block data nor zoneinfo zone spans
};

struct Finding {
  std::string id;  // "unmapped-anon-thp"
  Severity severity = Severity::kInfo;
  ByteCount bytes;
  PageCount pages;
  std::optional<uint64_t> thp_count;
  // One THP's size; with folios of several sizes (mTHP), the most common one (ties: the larger).
  std::optional<ByteCount> thp_bytes;
  // Every size, largest first; their bytes x count add up to `bytes` for unmapped-anon-thp.
  std::vector<ThpSize> thp_sizes;
  // Every compound is smaller than a PMD: multi-size THP (mTHP) large folios, which
  // AnonHugePages does not count (Documentation/admin-guide/mm/transhuge.rst).
  bool thp_below_pmd = false;
  std::vector<CgroupBytes> cgroups;
  std::vector<NodeBytes> nodes;
  // Set when the bundle cannot tell (`cgroups` or `nodes` are then empty): unknown is neither
  // "not charged" (kpagecgroup's inode 0) nor "outside every node" (a layout's hole).
  std::optional<UnknownBecause> cgroup_unknown, node_unknown;
  std::vector<PfnRangeOut> ranges;  // at most 100
  uint64_t range_count = 0;         // in all
  // What its summary, evidence and next steps are made from (report/finding_wording.h).
  FindingFacts facts;
};

struct ProcessRow {
  int pid = 0;
  std::string comm;
  std::string cmdline;
  std::string cgroup;  // memory cgroup path
  // Absent when not measured (smaps denied, status unreadable): never a zero that was not read.
  // rss: smaps_rollup/smaps, else status VmRSS; pss, uss, anon_huge: smaps_rollup/smaps only;
  // anon, file, shmem, swap: status only.
  std::optional<ByteCount> rss, pss, uss, anon, file, shmem, swap, anon_huge;
  std::optional<ByteCount> pinned, locked;  // status VmPin, VmLck
};

struct CgroupRow {
  std::string path;
  uint64_t inode = 0;
  uint64_t tasks = 0;
  std::optional<ByteCount> usage;        // memory.usage_in_bytes / memory.current
  std::optional<ByteCount> limit;        // memory.limit_in_bytes / memory.max (none: unlimited)
  std::optional<ByteCount> stat_anon;    // memory.stat rss / anon
  std::optional<ByteCount> stat_file;    // memory.stat cache / file
  std::optional<ByteCount> frame_bytes;  // page scan: frames charged to it
  std::optional<ByteCount> frame_unmapped_anon;  // page scan: unmapped anon + anon THP
  // The same for it and every cgroup below it in the bundle's tree (what usage counts).
  std::optional<ByteCount> subtree_frame_bytes, subtree_frame_unmapped_anon;
};

// One category of the page-frame classification.
struct FrameCategoryRow {
  std::string id;
  std::string label;
  PageCount pages;
  ByteCount bytes;
  std::vector<NodeBytes> nodes;
};

struct FrameSummary {
  PageCount frames;
  PageCount missing_frames;
  std::vector<FrameCategoryRow> categories;  // in category order; empty ones omitted
  // Set when the bundle has no memory layout: the categories' nodes are then empty.
  std::optional<UnknownBecause> node_unknown;
};

// The memory map is binned once, by the analysis, into at most this many cells; the HTML report
// draws them as they are and stays under 2 MiB whatever the host size (issue 5).
inline constexpr size_t kMaxMapCells = 4096;

// A cell of the physical memory map: a PFN range and its dominant category (HTML report).
struct MapCell {
  Pfn start;
  PageCount pages;
  int node = -1;
  std::string category;                               // dominant category id
  std::vector<std::pair<std::string, uint64_t>> mix;  // category id -> pages, largest first
};

struct Report {
  std::string schema = "memsift-report/2";
  Host host;
  Collection collection;
  Ledger ledger;
  AnonReconciliation anon;
  std::optional<FreeReconciliation> free_memory;  // needs meminfo and zoneinfo
  std::vector<Finding> findings;                  // ordered by bytes, largest first
  std::optional<FrameSummary> frames;
  std::vector<ProcessRow> processes;  // top N by RSS (or PSS)
  uint64_t process_count = 0;
  std::vector<CgroupRow> cgroups;  // top N by subtree frames (else usage), largest first
  uint64_t cgroup_count = 0;
  uint64_t table_rows = 20;         // rows asked for in the process and cgroup tables (--top)
  std::vector<MapCell> memory_map;  // coarse physical map, empty without page tables
  PinEvidence pins;
  std::optional<Growth> growth;  // only for a bundle with a snapshot series
};

std::string_view severityName(Severity s);  // "info", "warning", "critical"

}  // namespace memsift::report
