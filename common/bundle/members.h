// The bundle's member catalogue: the name of every member memsift-collect writes, defined once
// for the collector (which reads the file of that name beneath its root and stores it under the
// same name) and for every reader (the analysis, memsift page-types). A member is a host file's
// path without the leading '/', so the catalogue is also the list of what is read on the host.
//
// Where each kind of member is defined:
//   manifest.json, index.json                     bundle_format.h (kManifestName, kIndexName)
//   pageframes/<start>/kpageflags, ...            bundle_format.h (pageChunkMemberName)
//   NAME.part2, NAME.part3 (long text sources)    bundle_format.h (textPartMemberName)
//   cgroups.tsv, memory-blocks.tsv and parts      derived_tables.h
//   /proc and /sys text, the .after counters,     here
//   per-process files, cgroup files, dev/kmsg
// docs/bundle-format.md describes each member and why it is there.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/bundle/bundle_format.h"
#include "common/bundle/derived_tables.h"

namespace memsift::bundle::members {

// --- Host-wide /proc files --------------------------------------------------------------------

inline constexpr std::string_view kMeminfo = "proc/meminfo";
inline constexpr std::string_view kVmstat = "proc/vmstat";
inline constexpr std::string_view kZoneinfo = "proc/zoneinfo";
inline constexpr std::string_view kBuddyinfo = "proc/buddyinfo";
inline constexpr std::string_view kSlabinfo = "proc/slabinfo";
inline constexpr std::string_view kVmallocinfo = "proc/vmallocinfo";
inline constexpr std::string_view kSwaps = "proc/swaps";
inline constexpr std::string_view kUptime = "proc/uptime";
inline constexpr std::string_view kVersion = "proc/version";
inline constexpr std::string_view kHostname = "proc/sys/kernel/hostname";
inline constexpr std::string_view kOsRelease = "proc/sys/kernel/osrelease";
inline constexpr std::string_view kArch = "proc/sys/kernel/arch";
// Tells two bundles of one boot from two boots of one host (memsift diff).
inline constexpr std::string_view kBootId = "proc/sys/kernel/random/boot_id";
// Which cgroup hierarchies exist and where; /proc/mounts is stored instead on kernels without
// mountinfo (before 2.6.26).
inline constexpr std::string_view kMountinfo = "proc/self/mountinfo";
inline constexpr std::string_view kMounts = "proc/mounts";
// The kernel log as /dev/kmsg prints it (Documentation/ABI/testing/dev-kmsg).
inline constexpr std::string_view kKernelLog = "dev/kmsg";

// The host-wide /proc files stored as they are (meminfo and vmstat come later: see the pairs).
inline constexpr std::array<std::string_view, 15> kProcFiles = {
    "proc/cmdline",
    kVersion,
    kUptime,
    "proc/loadavg",
    kZoneinfo,
    kBuddyinfo,
    "proc/pagetypeinfo",
    kSlabinfo,
    kVmallocinfo,
    "proc/iomem",
    kSwaps,
    kOsRelease,
    kArch,
    kHostname,
    kBootId,
};

// Memory-management sysctls that explain an OOM: watermarks, overcommit, reclaim policy
// (Documentation/admin-guide/sysctl/vm.rst), each stored as proc/sys/vm/NAME.
inline constexpr std::string_view kVmSysctlDir = "proc/sys/vm";
inline constexpr std::array<std::string_view, 12> kVmSysctls = {
    "min_free_kbytes",   "watermark_scale_factor",  "watermark_boost_factor",
    "overcommit_memory", "overcommit_ratio",        "overcommit_kbytes",
    "swappiness",        "zone_reclaim_mode",       "panic_on_oom",
    "nr_hugepages",      "nr_overcommit_hugepages", "vfs_cache_pressure",
};
inline constexpr std::string_view kNrHugepages = "proc/sys/vm/nr_hugepages";

// --- Counters read twice ----------------------------------------------------------------------

// meminfo and vmstat are read right before the page-frame tables and again right after, under
// the `after` name, so that a reader can bound how far the counters moved while the tables were
// read. manifest.derived_members names the `after` members.
struct CounterPair {
  std::string_view before;
  std::string_view after;
};
inline constexpr CounterPair kMeminfoPair{kMeminfo, "proc/meminfo.after"};
inline constexpr CounterPair kVmstatPair{kVmstat, "proc/vmstat.after"};
inline constexpr std::array<CounterPair, 2> kCounterPairs = {kMeminfoPair, kVmstatPair};
inline constexpr std::string_view kMeminfoAfter = kMeminfoPair.after;
inline constexpr std::string_view kVmstatAfter = kVmstatPair.after;

// --- /sys -------------------------------------------------------------------------------------

// Transparent huge pages: the directory is stored whole (every readable file beneath it).
// hugepage_init() (mm/huge_memory.c) creates it only where the hardware has PMD-sized pages.
inline constexpr std::string_view kThpDir = "sys/kernel/mm/transparent_hugepage";
inline constexpr std::string_view kThpEnabled = "sys/kernel/mm/transparent_hugepage/enabled";
inline constexpr std::string_view kThpDefrag = "sys/kernel/mm/transparent_hugepage/defrag";
inline constexpr std::string_view kThpPmdSizeFile = "hpage_pmd_size";
// mTHP sizes: kThpDir/hugepages-<size>kB/stats/nr_anon.
inline constexpr std::string_view kThpAnonCountFile = "stats/nr_anon";
// hugetlb pools, stored whole, host-wide and per node.
inline constexpr std::string_view kHugepagesDir = "sys/kernel/mm/hugepages";

// NUMA nodes: node lists, then per node kNodeDir/nodeN/{meminfo,...} and its hugepages tree.
inline constexpr std::string_view kNodeDir = "sys/devices/system/node";
inline constexpr std::array<std::string_view, 5> kNodeListFiles = {
    "online", "possible", "has_memory", "has_normal_memory", "has_cpu"};
inline constexpr std::array<std::string_view, 4> kNodeFiles = {"meminfo", "numastat", "vmstat",
                                                               "distance"};
// A node's hugetlb pools, stored whole: kNodeDir/nodeN/hugepages.
inline constexpr std::string_view kNodeHugepagesDir = "hugepages";
// "sys/devices/system/node/node3/" for node directory "node3".
std::string nodeMemberDir(std::string_view node_dir_name);
// Whether `name` is a node's meminfo (sys/devices/system/node/nodeN/meminfo).
bool isNodeMeminfo(std::string_view name);

// Memory blocks: two files, then memory-blocks.tsv (derived_tables.h) instead of a member per
// block's file.
inline constexpr std::string_view kMemoryBlockDir = "sys/devices/system/memory";
inline constexpr std::string_view kBlockSizeBytes = "sys/devices/system/memory/block_size_bytes";
inline constexpr std::string_view kAutoOnlineBlocks =
    "sys/devices/system/memory/auto_online_blocks";

// --- Page-frame tables ------------------------------------------------------------------------

// "proc/kpageflags": the host file a table is read from (its chunks are pageframes/..., as
// bundle_format.h names them).
std::string pageTableSource(PageTable table);

// --- Processes --------------------------------------------------------------------------------

inline constexpr std::string_view kProcDir = "proc";

// A process's files, stored as proc/PID/NAME in this order: smaps last, because it walks the
// process's page tables (fs/proc/task_mmu.c) and is the slow one.
struct ProcessFile {
  std::string_view name;
  bool command_line;  // holds the command line (hashed with --redact)
  bool detail;        // smaps: skipped with --no-smaps (smaps_rollup has its totals)
};
inline constexpr std::string_view kProcStatus = "status";
inline constexpr std::string_view kProcComm = "comm";
inline constexpr std::string_view kProcCmdline = "cmdline";
inline constexpr std::string_view kProcCgroup = "cgroup";
inline constexpr std::string_view kProcSmapsRollup = "smaps_rollup";
inline constexpr std::string_view kProcSmaps = "smaps";
inline constexpr std::string_view kProcStat = "stat";
inline constexpr std::string_view kProcMaps = "maps";
// The descriptor census (derived_tables.h, process-fds.tsv) lists proc/PID/fd; the fdinfo of
// each io_uring descriptor is stored as proc/PID/fdinfo/N, before maps.
inline constexpr std::string_view kProcFdDir = "fd";
inline constexpr std::string_view kProcFdinfoDir = "fdinfo";
inline constexpr std::array<ProcessFile, 10> kProcessFiles = {{
    {kProcStatus, false, false},
    {kProcStat, false, false},
    {"statm", false, false},
    {kProcCmdline, true, false},
    {kProcComm, false, false},
    {kProcCgroup, false, false},
    {"oom_score_adj", false, false},
    {kProcMaps, false, false},
    {kProcSmapsRollup, false, false},
    {kProcSmaps, false, true},
}};

// "proc/1234" and "proc/1234/smaps".
std::string processDir(std::string_view pid);
std::string processMember(int pid, std::string_view file);
// "proc/*/status": a file of every process, as a source of the report names it.
std::string everyProcessMember(std::string_view file);

// "proc/1234/smaps.part2" -> pid 1234, file "smaps", part 2; "proc/1234/fdinfo/3" -> file
// "fdinfo/3"; nullopt for any other name that is not a file directly under proc/PID/
// (proc/meminfo, proc/1/task/...).
struct ProcessMember {
  int pid = 0;
  std::string_view file;
  unsigned part = 1;
};
std::optional<ProcessMember> parseProcessMember(std::string_view name);

// --- Memory cgroups ---------------------------------------------------------------------------

// A cgroup's files are stored under the directory's path beneath the hierarchy's mount point:
// sys/fs/cgroup/memory/machine.slice/memory.stat. Only files of this list are stored, those a
// cgroup has: v1 (Documentation/admin-guide/cgroup-v1/memory.rst) and v2
// (Documentation/admin-guide/cgroup-v2.rst, "Memory Interface Files").
inline constexpr std::string_view kCgroupProcs = "cgroup.procs";
inline constexpr std::string_view kMemoryStat = "memory.stat";
// Usage and limit, named differently by each version of the memory controller.
struct CgroupCounterFiles {
  std::string_view usage;
  std::string_view limit;
};
inline constexpr CgroupCounterFiles kCgroupV1Counters{"memory.usage_in_bytes",
                                                      "memory.limit_in_bytes"};
inline constexpr CgroupCounterFiles kCgroupV2Counters{"memory.current", "memory.max"};

// Files both versions have, then v2's, then v1's.
inline constexpr std::array<std::string_view, 9> kCgroupCommonFiles = {
    "cgroup.procs",  "cgroup.controllers",  "cgroup.subtree_control",
    "cgroup.events", kMemoryStat,           "memory.numa_stat",
    "memory.events", "memory.events.local", "memory.pressure",
};
inline constexpr std::array<std::string_view, 13> kCgroupV2Files = {
    kCgroupV2Counters.usage, "memory.min",       "memory.low",         "memory.high",
    kCgroupV2Counters.limit, "memory.peak",      "memory.oom.group",   "memory.swap.current",
    "memory.swap.max",       "memory.swap.peak", "memory.swap.events", "memory.zswap.current",
    "memory.zswap.max",
};
inline constexpr std::array<std::string_view, 14> kCgroupV1Files = {
    kCgroupV1Counters.usage,
    kCgroupV1Counters.limit,
    "memory.max_usage_in_bytes",
    "memory.soft_limit_in_bytes",
    "memory.failcnt",
    "memory.oom_control",
    "memory.use_hierarchy",
    "memory.swappiness",
    "memory.memsw.usage_in_bytes",
    "memory.memsw.limit_in_bytes",
    "memory.memsw.max_usage_in_bytes",
    "memory.memsw.failcnt",
    "memory.kmem.usage_in_bytes",
    "memory.kmem.limit_in_bytes",
};
// Whether a cgroup directory's file of this name is stored (in any hierarchy version: a v1
// hierarchy has no v2 files, and the walk stores only what is there).
bool isCgroupFile(std::string_view file);

// A mount point as a member directory: "/sys/fs/cgroup/memory/" -> "sys/fs/cgroup/memory", "/"
// -> "".
std::string mountMemberDir(std::string_view mount_point);
// A cgroup's member directory from its hierarchy's (mountMemberDir) and its path in
// cgroups.tsv: ("sys/fs/cgroup", "/a/b") -> "sys/fs/cgroup/a/b"; the root "/" is the hierarchy's.
std::string cgroupMemberDir(std::string_view hierarchy_dir, std::string_view path);

// "sys/fs/cgroup/a/memory.stat" against the hierarchies' member directories: which one it is
// beneath (index into `hierarchy_dirs`), the cgroup's directory and the file; nullopt for a name
// beneath none.
struct CgroupMember {
  size_t hierarchy = 0;
  std::string_view dir;
  std::string_view file;
};
std::optional<CgroupMember> parseCgroupMember(std::string_view name,
                                              std::span<const std::string> hierarchy_dirs);

// --- Snapshot series (memsift-collect --every/--count, format 1.2) ---------------------------

// A series' cheap snapshots K = 1 .. N-1 store what they read under "series/K/" followed by the
// ordinary member name ("series/3/proc/meminfo"); every snapshot, the final one too, starts with
// "series/K/snapshot.json" (when it was taken). The final snapshot has only that member under
// series/N/: its data are the bundle's ordinary members, so a reader that knows nothing of series
// reads the last moment as a bundle of one moment. docs/bundle-format.md, "Snapshot series".
inline constexpr std::string_view kSeriesDir = "series";
inline constexpr std::string_view kSnapshotInfo = "snapshot.json";
// What a cheap snapshot reads: the counters growth is told in, each cheap to read (no page
// walk but smaps_rollup's, which the kernel sums without building the text of every VMA).
inline constexpr std::array<std::string_view, 3> kSeriesSystemFiles = {kMeminfo, kVmstat,
                                                                       kBuddyinfo};
inline constexpr std::array<std::string_view, 3> kSeriesProcessFiles = {kProcStatus, kProcStat,
                                                                        kProcSmapsRollup};
// A cgroup's usage (either version's name) and memory.stat.
bool isSeriesCgroupFile(std::string_view file);

// "series/3/proc/meminfo" for snapshot 3's proc/meminfo.
std::string seriesMember(unsigned seq, std::string_view name);
// The inverse: "series/3/proc/1/status" -> {3, "proc/1/status"}; nullopt for a name outside
// series/, a snapshot number that is not canonical decimal from 1 (no sign, no leading zero) or
// too large, or nothing after it.
struct SeriesMember {
  unsigned seq = 0;
  std::string_view name;
};
std::optional<SeriesMember> parseSeriesMember(std::string_view name);
// series/K/index.json (format 1.3): the last member of cheap snapshot K, inside its last series
// wrapper; lists the snapshot's members and sources as index.json lists the others.
bool isSeriesIndex(std::string_view name);
// More snapshots than a series can have: a larger number in a member name is damage.
inline constexpr unsigned kMaxSeriesSnapshots = 1000000;

}  // namespace memsift::bundle::members
