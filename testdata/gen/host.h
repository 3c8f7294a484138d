// The model of a synthetic host the generator writes out: physical layout (nodes, zones, memory
// blocks), memory cgroups, processes, and the kernel counters tallied while its page frames are
// laid out. The writers turn it into the /proc and /sys files the collector reads.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "testdata/gen/frame_tables.h"

namespace memsift::testgen {

struct Zone {
  std::string name{};  // "DMA32", "Normal"
  uint64_t start = 0;
  uint64_t spanned = 0;
  uint64_t present = 0;  // frames with a struct page
  uint64_t managed = 0;  // present minus memblock-reserved: what MemTotal sums
};

struct Node {
  int id = 0;
  std::vector<Zone> zones{};
  std::vector<Range> mem{};  // present physical memory, PFN ranges
};

struct Layout {
  uint64_t page_size = 4096;
  uint64_t end_pfn = 0;        // the tables' length
  uint64_t block_pages = 0;    // memory block size (/sys/devices/system/memory/block_size_bytes)
  uint64_t section_pages = 0;  // sparsemem section (phys_index counts sections)
  unsigned max_order = 11;     // buddy orders 0..max_order-1 (/proc/buddyinfo columns)
  uint64_t pmd_pages = 512;    // pages a PMD maps: a PMD THP, hpage_pmd_size, Hugepagesize
  bool big_endian = false;     // the kernel writes its page-frame tables big-endian (s390x)
  std::vector<Node> nodes{};
  int nodeOf(uint64_t pfn) const;
  static int nodeOfThunk(const void* layout, uint64_t pfn) {
    return static_cast<const Layout*>(layout)->nodeOf(pfn);
  }
  uint64_t kib(uint64_t pages) const { return pages * page_size / 1024; }
};

// Kernel counters in pages (kernel_stack too: converted to kB where printed), what meminfo,
// vmstat, node meminfo and memory.stat are written from.
struct Counters {
  uint64_t free = 0, active_anon = 0, inactive_anon = 0, active_file = 0, inactive_file = 0,
           unevictable = 0, mlocked = 0, anon = 0, anon_thp = 0, file = 0, file_mapped = 0,
           shmem = 0, shmem_thp = 0, dirty = 0, writeback = 0, slab_reclaimable = 0,
           slab_unreclaimable = 0, page_tables = 0, kernel_stack = 0, hugetlb_total = 0,
           hugetlb_free = 0, vmalloc = 0, percpu = 0;
  // Charged to a memory cgroup as anonymous memory, mapped or not (v1 memory.stat "rss" and
  // "rss_huge": charge-time statistics, mm/memcontrol.c mem_cgroup_charge_statistics()).
  uint64_t charged_anon = 0, charged_anon_thp = 0;
  Counters& operator+=(const Counters& o);
};

// What a kind of page feeds in the kernel's counters, beyond the LRU lists (which follow the
// flags, as the kernel's lists do).
enum Acct : uint32_t {
  kAcctNone = 0,
  kAcctFree = 1u << 0,
  kAcctAnon = 1u << 1,     // NR_ANON_MAPPED (AnonPages)
  kAcctAnonThp = 1u << 2,  // NR_ANON_THPS (AnonHugePages)
  kAcctFile = 1u << 3,     // NR_FILE_PAGES (Cached + Buffers + SwapCached)
  kAcctMapped = 1u << 4,   // NR_FILE_MAPPED (Mapped)
  kAcctShmem = 1u << 5,    // NR_SHMEM
  kAcctShmemThp = 1u << 6,
  kAcctSlabR = 1u << 7,
  kAcctSlabU = 1u << 8,
  kAcctPgtable = 1u << 9,
  kAcctKstack = 1u << 10,
  kAcctHugetlb = 1u << 11,
  kAcctHugetlbFree = 1u << 12,
  kAcctVmalloc = 1u << 13,
  kAcctPercpu = 1u << 14,
};
void tally(Counters& c, uint32_t acct, uint64_t flags, uint64_t pages);

struct Cgroup {
  std::string path{};  // "/" or "/machine.slice/x.scope", relative to the hierarchy's root
  uint64_t inode = 0;
  std::vector<int> pids{};
  Counters local;  // charged to this cgroup itself
  std::optional<uint64_t> limit_bytes;
};

struct Proc {
  int pid = 0, ppid = 0;
  std::string comm{};
  std::vector<std::string> argv{};
  std::string cgroup{};  // path in the memory hierarchy
  int uid = 0;
  int threads = 1;
  int oom_score_adj = 0;
  // Resident memory, in pages, which the writers spread over a few VMAs.
  uint64_t anon = 0;      // base anonymous pages
  uint64_t anon_thp = 0;  // pages in PMD-mapped THPs
  uint64_t file = 0;      // mapped page cache
  uint64_t shmem = 0;
  uint64_t locked = 0;  // mlocked (VmLck)
  // Pages pinned by RDMA or io_uring registrations (VmPin: mm->pinned_vm), and the link targets
  // of its descriptors from 3 on (0-2 read /dev/null), as /proc/PID/fd shows them.
  uint64_t pinned = 0;
  std::vector<std::string> fds{};
  uint64_t pte_kib = 0;
  uint64_t virt_extra_kib = 0;  // mapped but not resident
};

struct HostFacts {
  std::string hostname{}, osrelease{}, arch{}, version{};
  double uptime = 0;
};

struct Host {
  Layout layout;
  Era era = Era::k6x;
  HostFacts facts;
  int cgroup_version = 2;  // memory controller on v1 ("memory") or v2 (unified)
  fs::path root;           // DIR
  std::vector<Cgroup> cgroups{};
  std::vector<Proc> procs{};
  Counters total;
  // FOLL_PIN pins held now (vmstat nr_foll_pin_acquired - nr_foll_pin_released, 5.7+).
  uint64_t foll_pins = 0;
  std::vector<std::vector<Counters>> zone_counters;  // [node][zone]
  // free blocks per node, zone index and order (/proc/buddyinfo)
  std::vector<std::vector<std::vector<uint64_t>>> buddy;

  fs::path cgroupRoot() const;  // DIR/sys/fs/cgroup/memory (v1) or DIR/sys/fs/cgroup (v2)
  // Creates the directory of a memory cgroup (parents first) and records its inode.
  Cgroup& addCgroup(const std::string& path);
  Cgroup& cgroup(const std::string& path);
  uint64_t inode(const std::string& path) { return cgroup(path).inode; }
  // Counts a run of pages starting at `pfn` into the host, zone and cgroup counters.
  void charge(uint32_t acct, uint64_t flags, uint64_t pages, uint64_t pfn, uint64_t cgroup_inode);
  Counters nodeCounters(size_t node) const;
  // Node and zone index of a PFN ({-1, 0} in holes).
  std::pair<int, size_t> zoneOf(uint64_t pfn) const;
  // Records a free run for /proc/buddyinfo (split into aligned power-of-two blocks).
  void freeRun(uint64_t start, uint64_t pages, int node);
  uint64_t memTotalPages() const;  // sum of managed pages
};

// The facts of a generated host: release (and the era it implies, kernel_era.h), architecture,
// /proc/version.
void setKernelFacts(Host& h, const std::string& arch, const std::string& release, double uptime);

// Writers of the text files (host_files.cc). Each writes beneath host.root.
void writeHostFacts(const Host& h);
void writeMountinfo(const Host& h);
void writeMeminfo(const Host& h);  // 6.x format from the counters
void writeVmstat(const Host& h, const std::map<std::string, uint64_t>& events);
void writeZoneinfo(const Host& h);
void writeBuddyinfo(const Host& h);
void writeNodes(const Host& h);
void writeMemoryBlocks(const Host& h);
void writeCgroupFiles(const Host& h);
void writeProcesses(const Host& h);
void writeThpSettings(const Host& h, const std::string& enabled);
// One size of multi-size THP (mTHP): transparent_hugepage/hugepages-<size>kB.
struct MthpSize {
  unsigned order = 0;
  std::string enabled{};                    // "[always] inherit madvise never"
  std::map<std::string, uint64_t> stats{};  // counters of stats/ that are not 0
};
void writeMthp(const Host& h, const std::vector<MthpSize>& sizes);
void writeHugepages(const Host& h, uint64_t hugepage_kib, uint64_t total, uint64_t free,
                    uint64_t resv);
void writeKmsg(const Host& h, const std::vector<std::string>& records);

}  // namespace memsift::testgen
