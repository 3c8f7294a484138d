// What the analyzer keeps of a bundle after one streaming pass: the system files it reasons about
// (whole, parsed), per-process and per-cgroup figures (numbers only, not their files), and the
// page-frame census (the tables themselves are never held). Filled by loadBundle().
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyzer/analysis/series_data.h"
#include "analyzer/analysis/text_member.h"
#include "analyzer/frames/frame_census.h"
#include "analyzer/frames/pfn_layout.h"
#include "common/bundle/damage.h"
#include "common/bundle/derived_tables.h"
#include "common/parse/io_uring_fdinfo.h"
#include "common/parse/meminfo.h"
#include "common/parse/parse_issue.h"
#include "common/parse/slabinfo.h"
#include "common/parse/vmstat.h"
#include "common/parse/zoneinfo.h"
#include "common/units.h"

namespace memsift::analysis {

struct ProcessData {
  int pid = 0;
  std::string comm;
  std::string cmdline;      // arguments joined by spaces
  std::string cgroup_path;  // memory cgroup from /proc/PID/cgroup
  bool has_status = false, has_rollup = false, has_smaps = false;
  bool kernel_thread = false;  // no mm: VmRSS absent from status
  // From status (kB lines, in bytes).
  ByteCount vm_rss, rss_anon, rss_file, rss_shmem, vm_swap, hugetlb;
  uint64_t threads = 0;
  // From smaps_rollup, or summed over smaps when there is no rollup.
  ByteCount rss, pss, pss_anon, pss_file, pss_shmem, private_clean, private_dirty, swap, anon_huge,
      anonymous;
  bool has_pss_anon = false;
  // What may hold its memory beyond its mappings (issue 13): status VmPin (pinned_vm: io_uring
  // buffers, RDMA registrations) and VmLck (mlock), absent on kernels that do not print them;
  // the descriptor census (process-fds.tsv), absent from bundles that predate it; the buffers
  // registered in its io_uring instances (fdinfo), and of those the bytes its maps no longer
  // cover (known once maps was read: `ring_maps_read`).
  std::optional<ByteCount> vm_pin, vm_lck;
  std::optional<uint64_t> start_time;  // stat field 22: clock ticks after boot
  std::optional<bundle::ProcessFdRow> fds;
  std::vector<parse::RingBuffer> ring_buffers;  // at most kMaxRingBuffers
  ByteCount ring_bytes;                         // all of them, listed or not
  ByteCount ring_unmapped;                      // the listed ones' bytes outside every mapping
  bool ring_maps_read = false;
};

// Buffers kept per process (an instance may register 16,384): the rest count in ring_bytes.
inline constexpr size_t kMaxRingBuffers = 4096;

struct CgroupData {
  int hierarchy = 0;
  int version = 1;
  uint64_t inode = 0;
  std::string path;    // inside the hierarchy, "/" for its root
  std::string member;  // directory as a bundle member prefix ("sys/fs/cgroup/memory/x")
  std::optional<ByteCount> usage, limit;
  std::optional<ByteCount> stat_anon, stat_file, stat_shmem, stat_unevictable;
  std::optional<uint64_t> tasks;  // lines of cgroup.procs
};

struct BundleData {
  nlohmann::json manifest;
  nlohmann::json index;  // null if the bundle has none
  uint64_t page_size = 4096;
  bool byte_swap = false;  // the tables' byte order differs from this machine's

  // Text members, by name, for the system files the analysis reads.
  std::map<std::string, std::unique_ptr<TextMember>, std::less<>> texts;
  const std::string* text(std::string_view name) const;

  std::optional<parse::Meminfo> meminfo, meminfo_after;
  std::optional<parse::Vmstat> vmstat, vmstat_after;
  std::optional<parse::Zoneinfo> zoneinfo;
  std::optional<parse::Slabinfo> slabinfo;

  std::vector<ProcessData> processes;
  std::vector<CgroupData> cgroups;
  int page_cgroup_hierarchy = -1;  // the hierarchy whose inodes kpagecgroup holds

  frames::PfnLayout layout;
  std::string layout_source;  // "memory-blocks.tsv", "proc/zoneinfo", or "" (unknown)
  bool has_page_tables = false;
  std::optional<frames::FrameCensus> census;
  // Set (and `census` withheld) when most frames carry flag bits no kernel defines: the tables
  // are probably not in the byte order manifest.host.byte_order names, and every conclusion
  // from them would be noise.
  std::optional<frames::ByteOrderSuspect> byte_order_suspect;
  PageCount frames_without_layout;  // chunks that arrived before any layout could be built

  // Reading: damage (truncation, corruption), problems (checksums) and malformed lines.
  std::vector<bundle::Damage> damage;
  std::vector<parse::ParseIssue> issues;
  bool bundle_complete = false;      // the stream ended cleanly with index.json
  uint64_t resumes = 0;              // times reading went on past corrupt data
  bool collection_complete = false;  // index.json says the collector finished
  // The live collector's own peak RSS (index.json collection.own_peak_rss_bytes): memory of its
  // own that the page scan may count and the counters may not.
  std::optional<ByteCount> collector_rss;
  // The live collector's own pid (manifest.collector.pid), absent for a tree given with --root.
  std::optional<int> collector_pid;

  // A snapshot series (memsift-collect --every/--count): absent from a bundle of one moment.
  std::optional<SeriesData> series;

  // Inode -> cgroup in the page-cgroup hierarchy (nullptr if unknown).
  const CgroupData* cgroupByInode(uint64_t inode) const;
  std::map<uint64_t, size_t> inode_index;
};

// Reads a bundle in one pass. Throws Error(kInput) only if it is not a bundle at all; damage is
// recorded in BundleData::damage and everything before it is kept. `jobs` threads decode the
// page tables (BundleReader::setDecodeThreads); the result is the same at every count.
BundleData loadBundle(const std::string& path, unsigned jobs = 1);

}  // namespace memsift::analysis
