// The seed incident rebuilt (../shared/seed): arm64, 64 KiB pages, a 4.18 kernel, 447 leaked
// 512 MiB THPs on the LRU that no process maps, charged to one QEMU machine cgroup, over four
// NUMA nodes, with the incident's own meminfo and vmstat.
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/cases.h"
#include "testdata/gen/expect.h"
#include "testdata/gen/placer.h"

namespace memsift::testgen {

using kpf::bit;

namespace {

constexpr uint64_t kPageSize = 65536;
constexpr uint64_t kThpPages = 8192;       // PMD order 13 with 64 KiB pages: Hugepagesize 524288 kB
constexpr uint64_t kSection = 0x4000;      // SECTION_SIZE_BITS 30 on 4.18 arm64: 1 GiB
constexpr uint64_t kNodePages = 0x100000;  // 64 GiB per node
constexpr uint64_t kMemmap = 1024;         // each node's struct pages: 64 B x 1 Mi frames, reserved
constexpr uint64_t kMemTotalPages = 4154010;  // the seed's MemTotal 265856640 kB / 64
// THPs per node; the first starts at PFN 0x10000 (ZONE_NORMAL's start) as in `page-types -l`.
constexpr uint64_t kThpsPerNode[4] = {120, 112, 112, 103};
constexpr const char* kQemuScope = "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope";

// page-types' raw flags of the leaked heads (the report's row 0x40507c: referenced, uptodate,
// dirty, lru, active, anonymous, swapbacked, thp); compound_head is added when written.
constexpr uint64_t kLeakHead = bit(kpf::kReferenced) | bit(kpf::kUptodate) | bit(kpf::kDirty) |
                               bit(kpf::kLru) | bit(kpf::kActive) | bit(kpf::kAnon) |
                               bit(kpf::kSwapbacked) | bit(kpf::kThp);
static_assert(kLeakHead == 0x40507c);

std::string readFileOrThrow(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void caseSeed(const Options& o) {
  Host h;
  h.root = o.dir;
  h.era = Era::k418;
  h.cgroup_version = 1;
  h.facts = {.hostname = "bogon",
             .osrelease = "4.18.0-147.el8.aarch64",
             .arch = "aarch64",
             .version =
                 "Linux version 4.18.0-147.el8.aarch64 (mockbuild@aarch64-01.mbox.centos.org)"
                 " (gcc version 8.3.1 20190507 (Red Hat 8.3.1-4) (GCC)) #1 SMP Wed Nov 27 "
                 "01:11:28 UTC 2019",
             .uptime = 8573342.17};
  Layout& L = h.layout;
  L.page_size = kPageSize;
  L.section_pages = kSection;
  L.block_pages = kSection;
  L.max_order = 14;  // arm64 64 KiB pages: CONFIG_FORCE_MAX_ZONEORDER 14 (512 MiB blocks)
  L.pmd_pages = kThpPages;

  // Non-THP memory needed: MemTotal minus the THPs, plus the reserved frames (kernel image and
  // firmware 512, crashkernel 8192, memmap 4 x 1024) that MemTotal does not count.
  const uint64_t thps = 447;
  const uint64_t reserved = 512 + 8192 + 4 * kMemmap;
  const uint64_t node3_end = 0x340000 + kThpsPerNode[3] * kThpPages +
                             (kMemTotalPages - thps * kThpPages + reserved) -
                             (0x10000 + 2 * (kNodePages - 112 * kThpPages));
  // node 0 [0, 0x100000) with ZONE_DMA32 below 4 GiB; node 1 [0x100000, 0x200000); a 16 GiB
  // hole (the second socket's address space starts higher); node 2 [0x240000, 0x340000);
  // node 3 from 0x340000 to node3_end (not section-aligned: 4.18 tables end at max_pfn).
  const uint64_t starts[4] = {0, 0x100000, 0x240000, 0x340000};
  const uint64_t ends[4] = {0x100000, 0x200000, 0x340000, node3_end};
  for (int n = 0; n < 4; ++n) {
    Node node;
    node.id = n;
    node.mem.push_back({starts[n], ends[n] - starts[n]});
    if (n == 0) {
      node.zones.push_back({"DMA32", 0, 0x10000, 0x10000, 0x10000 - 512 - 8192 - kMemmap});
      node.zones.push_back(
          {"Normal", 0x10000, kNodePages - 0x10000, kNodePages - 0x10000, kNodePages - 0x10000});
    } else {
      const uint64_t span = ends[n] - starts[n];
      node.zones.push_back({"Normal", starts[n], span, span, span - kMemmap});
    }
    L.nodes.push_back(node);
  }
  L.end_pfn = node3_end;
  if (h.memTotalPages() != kMemTotalPages) throw std::logic_error("seed MemTotal mismatch");

  // Cgroups first: kpagecgroup holds their directories' inode numbers.
  for (const char* p :
       {"/", "/init.scope", "/system.slice", "/system.slice/systemd-journald.service",
        "/system.slice/sshd.service", "/system.slice/libvirtd.service", "/user.slice",
        "/machine.slice", kQemuScope})
    h.addCgroup(p);
  const uint64_t qemu_cg = h.inode(kQemuScope);
  const uint64_t root_cg = h.inode("/");

  // Processes: their mapped pages are exactly the mapped anon and file frames below.
  h.procs = {
      {.pid = 1,
       .comm = "systemd",
       .argv = {"/usr/lib/systemd/systemd", "--switched-root", "--system", "--deserialize", "18"},
       .cgroup = "/init.scope",
       .anon = 120,
       .file = 20,
       .pte_kib = 512},
      {.pid = 812,
       .ppid = 1,
       .comm = "systemd-journal",
       .argv = {"/usr/lib/systemd/systemd-journald"},
       .cgroup = "/system.slice/systemd-journald.service",
       .anon = 300,
       .file = 12,
       .pte_kib = 256},
      {.pid = 1520,
       .ppid = 1,
       .comm = "sshd",
       .argv = {"/usr/sbin/sshd", "-D"},
       .cgroup = "/system.slice/sshd.service",
       .anon = 40,
       .file = 6,
       .pte_kib = 128},
      {.pid = 2045,
       .ppid = 1,
       .comm = "libvirtd",
       .argv = {"/usr/sbin/libvirtd"},
       .cgroup = "/system.slice/libvirtd.service",
       .threads = 17,
       .anon = 2200,
       .file = 14,
       .pte_kib = 1024},
      {.pid = 4321,
       .ppid = 1,
       .comm = "qemu-kvm",
       .argv = {"/usr/libexec/qemu-kvm", "-name", "guest=vm,debug-threads=on", "-machine",
                "virt-rhel8.1.0,accel=kvm,usb=off,gic-version=3", "-m", "229376", "-realtime",
                "mlock=on", "-smp", "64,sockets=64,cores=1,threads=1"},
       .cgroup = kQemuScope,
       .uid = 107,
       .threads = 70,
       .anon = 27340 + 8592 + 6129,
       .file = 3931,
       .locked = 6129 + 3931,
       .pte_kib = 16384,
       .virt_extra_kib = 234881024}};
  for (const Proc& p : h.procs)
    h.cgroup(p.cgroup).pids.push_back(p.pid);

  Rng rng(o.seed);
  FrameTables t(o.dir / "proc", Era::k418, 4, &Layout::nodeOfThunk, &L, o.sparse);
  Emitter e(h, t, rng);

  // The kinds, with 4.18 raw flags.
  const uint64_t U = bit(kpf::kUptodate), R = bit(kpf::kReferenced), D = bit(kpf::kDirty),
                 l = bit(kpf::kLru), A = bit(kpf::kActive), M = bit(kpf::kMmap),
                 a = bit(kpf::kAnon), b = bit(kpf::kSwapbacked), u = bit(kpf::kUnevictable),
                 m = bit(kpf::kMlocked);
  Kind leak{.name = "leaked THP",
            .cat = Cat::kAnonThpUnmapped,
            .order = 13,
            .flags = kLeakHead,
            .count = 0,
            .cgroup = qemu_cg,
            .acct = kAcctNone};
  Kind kernel{.name = "reserved", .cat = Cat::kKernel, .flags = bit(kpf::kReserved)};
  Kind zero_huge{.name = "huge zero page",
                 .cat = Cat::kKernel,
                 .order = 13,
                 .flags = bit(kpf::kThp) | bit(kpf::kZeroPage)};
  Kind free{.name = "free",
            .cat = Cat::kFree,
            .flags = bit(kpf::kBuddy),
            .acct = kAcctFree,
            .free = true};
  std::vector<Kind> anon;  // per process: active, then qemu's inactive and mlocked
  const uint64_t anon_active[5] = {120, 300, 40, 2200, 27340};
  std::vector<Kind> kinds;
  kinds.reserve(32);
  auto add = [&](Kind k, uint64_t pages) -> std::pair<const Kind*, uint64_t> {
    kinds.push_back(std::move(k));
    return {&kinds.back(), pages};
  };
  std::vector<std::pair<const Kind*, uint64_t>> totals;
  for (size_t i = 0; i < h.procs.size(); ++i) {
    const uint64_t cg = h.inode(h.procs[i].cgroup);
    totals.push_back(add({.name = "anon " + h.procs[i].comm,
                          .cat = Cat::kAnonMapped,
                          .flags = R | U | D | l | A | M | a | b,
                          .count = 1,
                          .cgroup = cg,
                          .acct = kAcctAnon},
                         anon_active[i]));
    const uint64_t file_mapped = h.procs[i].comm == "qemu-kvm" ? 0 : h.procs[i].file;
    if (file_mapped)
      totals.push_back(add({.name = "file " + h.procs[i].comm,
                            .cat = Cat::kFileMapped,
                            .flags = R | U | l | A | M,
                            .count = 1,
                            .cgroup = cg,
                            .acct = kAcctFile | kAcctMapped},
                           file_mapped));
  }
  totals.push_back(add({.name = "anon qemu inactive",
                        .cat = Cat::kAnonMapped,
                        .flags = U | D | l | M | a | b,
                        .count = 1,
                        .cgroup = qemu_cg,
                        .acct = kAcctAnon},
                       8592));
  // qemu -realtime mlock=on: its anonymous memory and mapped files are mlocked (unevictable).
  totals.push_back(add({.name = "anon qemu mlocked",
                        .cat = Cat::kAnonMapped,
                        .flags = U | D | l | M | a | b | u | m,
                        .count = 1,
                        .cgroup = qemu_cg,
                        .acct = kAcctAnon},
                       6129));
  totals.push_back(add({.name = "file qemu mlocked",
                        .cat = Cat::kFileMapped,
                        .flags = U | l | M | u | m,
                        .count = 1,
                        .cgroup = qemu_cg,
                        .acct = kAcctFile | kAcctMapped},
                       3931));
  // Shared memory: the journal on /run (tmpfs), nobody maps it.
  const uint64_t journald_cg = h.inode("/system.slice/systemd-journald.service");
  totals.push_back(add({.name = "shmem active",
                        .cat = Cat::kShmemUnmapped,
                        .flags = R | U | D | l | A | b,
                        .cgroup = journald_cg,
                        .acct = kAcctFile | kAcctShmem},
                       8873));
  totals.push_back(add({.name = "shmem inactive",
                        .cat = Cat::kShmemUnmapped,
                        .flags = U | D | l | b,
                        .cgroup = journald_cg,
                        .acct = kAcctFile | kAcctShmem},
                       14528));
  // Page cache: nr_active_file 4437 and nr_inactive_file 1845 in all (52 of them mapped above),
  // 10 dirty (nr_dirty).
  totals.push_back(add({.name = "file active",
                        .cat = Cat::kFileUnmapped,
                        .flags = R | U | l | A,
                        .cgroup = root_cg,
                        .acct = kAcctFile},
                       4437 - 52));
  totals.push_back(add({.name = "file inactive",
                        .cat = Cat::kFileUnmapped,
                        .flags = U | l,
                        .cgroup = root_cg,
                        .acct = kAcctFile},
                       1845 - 10));
  totals.push_back(add({.name = "file dirty",
                        .cat = Cat::kFileUnmapped,
                        .flags = U | D | l,
                        .cgroup = root_cg,
                        .acct = kAcctFile,
                        .max_run = 2},
                       10));
  // Slab: nr_slab_reclaimable 3840, nr_slab_unreclaimable 42011 (1000 order-1 slabs in it).
  // 4.18 tails of a slab compound page show slab (PageSlab of the head, fs/proc/page.c).
  totals.push_back(add(
      {.name = "slab reclaimable", .cat = Cat::kSlab, .flags = bit(kpf::kSlab), .acct = kAcctSlabR},
      3840));
  totals.push_back(add({.name = "slab unreclaimable",
                        .cat = Cat::kSlab,
                        .flags = bit(kpf::kSlab),
                        .acct = kAcctSlabU},
                       42011 - 2000));
  totals.push_back(add({.name = "slab unreclaimable order-1",
                        .cat = Cat::kSlab,
                        .order = 1,
                        .flags = bit(kpf::kSlab),
                        .acct = kAcctSlabU,
                        .max_run = 4},
                       2000));
  // Page tables (KPF_PGTABLE since 4.18): page_mapcount() of the PG_table type is -1024.
  totals.push_back(add({.name = "page tables",
                        .cat = Cat::kPageTable,
                        .flags = bit(kpf::kPgtable),
                        .count = 0xfffffffffffffc00ULL,
                        .acct = kAcctPgtable},
                       919));
  // Kernel stacks are vmalloc'ed (VMAP_STACK): frames without flags. nr_kernel_stack 154496 kB.
  totals.push_back(add(
      {.name = "kernel stacks", .cat = Cat::kUnflagged, .acct = kAcctKstack, .max_run = 1}, 2414));
  // Other kernel allocations without page flags (vmalloc, drivers, percpu).
  const uint64_t mapped_sum = [&] {
    uint64_t s = 0;
    for (auto& [k, n] : totals)
      s += n;
    return s;
  }();
  const uint64_t other_kernel = kMemTotalPages - thps * kThpPages - kThpPages - 317912 - mapped_sum;
  totals.push_back(add(
      {.name = "kernel unflagged", .cat = Cat::kUnflagged, .acct = kAcctVmalloc, .max_run = 256},
      other_kernel));

  // The stream ranges of non-THP memory, per node.
  const uint64_t stream_start[4] = {0x2200, 0x100000 + 112 * kThpPages, 0x240000 + 112 * kThpPages,
                                    0x340000 + 103 * kThpPages + kThpPages};
  const uint64_t stream_end[4] = {0x10000 - kMemmap, 0x200000 - kMemmap, 0x340000 - kMemmap,
                                  node3_end - kMemmap};
  uint64_t stream_total = 0;
  for (int n = 0; n < 4; ++n)
    stream_total += stream_end[n] - stream_start[n];
  // Each kind spread over the nodes in proportion to their stream sizes; free takes the rest.
  std::vector<std::vector<Quota>> quotas(4);
  for (auto& [k, pages] : totals) {
    uint64_t left = pages;
    for (int n = 0; n < 4; ++n) {
      uint64_t share = n == 3 ? left : pages * (stream_end[n] - stream_start[n]) / stream_total;
      share -= share % k->pages();
      quotas[static_cast<size_t>(n)].push_back({k, share});
      left -= share;
    }
  }
  for (int n = 0; n < 4; ++n) {
    uint64_t used = 0;
    for (const Quota& q : quotas[static_cast<size_t>(n)])
      used += q.pages;
    quotas[static_cast<size_t>(n)].push_back({&free, stream_end[n] - stream_start[n] - used});
  }

  // Node 0: firmware and kernel image (the zero page among them), crashkernel, the stream,
  // memmap; then ZONE_NORMAL from 0x10000: its 120 leaked THPs back to back.
  e.fixed(kernel, 0x1a0, kernel.flags);
  e.fixed(kernel, 1, kernel.flags | bit(kpf::kZeroPage));  // the zero page (is_zero_pfn)
  e.fixed(kernel, 512 - 0x1a1, kernel.flags);
  e.fixed(kernel, 8192, kernel.flags);  // crashkernel=auto
  streamFill(e, stream_end[0], quotas[0], 1);
  e.fixed(kernel, kMemmap, kernel.flags);
  for (int n = 0; n < 4; ++n) {
    if (n == 2) e.hole(0x240000 - 0x200000);
    for (uint64_t i = 0; i < kThpsPerNode[n]; ++i)
      e.folio(leak, leak.flags);
    if (n == 0) continue;
    if (n == 3) e.folio(zero_huge, zero_huge.flags);  // thp_zero_page_alloc 1
    streamFill(e, stream_end[n], quotas[static_cast<size_t>(n)], 1);
    e.fixed(kernel, kMemmap, kernel.flags);
  }
  t.finish();
  if (t.frames() != L.end_pfn) throw std::logic_error("seed: tables end at the wrong PFN");

  // Text files. meminfo and vmstat are the incident's own.
  fs::create_directories(o.dir / "proc");
  writeText(o.dir / "proc/meminfo", readFileOrThrow(o.seed_dir / "meminfo"));
  writeText(o.dir / "proc/vmstat", readFileOrThrow(o.seed_dir / "vmstat"));
  writeHostFacts(h);
  writeMountinfo(h);
  writeZoneinfo(h);
  writeBuddyinfo(h);
  writeNodes(h);
  writeMemoryBlocks(h);
  writeCgroupFiles(h);
  writeProcesses(h);
  writeThpSettings(h, "[always] madvise never");
  writeHugepages(h, 16777216, 0, 0, 0);
  // The OOM report that killed the previous qemu-kvm of this VM (mm/oom_kill.c, 4.18 wording).
  writeKmsg(h, {"5,0,0,-;" + h.facts.version, "6,1,0,-;Machine model: Huawei TaiShan 2280 V2",
                "4,51234,8571022123456,-;qemu-kvm invoked oom-killer: "
                "gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null), order=0, "
                "oom_score_adj=0",
                "4,51235,8571022123470,-;qemu-kvm cpuset=emulator mems_allowed=0-3",
                "6,51236,8571022123490,-;Mem-Info:",
                "3,51290,8571022125012,-;Out of memory: Kill process 3210 (qemu-kvm) score 11 or "
                "sacrifice child",
                "3,51291,8571022125040,-;Killed process 3210 (qemu-kvm) total-vm:17318208kB, "
                "anon-rss:2431040kB, file-rss:251584kB, shmem-rss:0kB",
                "6,51292,8571022187311,-;oom_reaper: reaped process 3210 (qemu-kvm), now "
                "anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"});

  Expectations x("seed", o.seed);
  x.describe(h, &t);
  auto& f = x.findingFromCategory("unmapped-anon-thp", "critical", Cat::kAnonThpUnmapped, h, t);
  f["summary"] = "447 anonymous THPs (228,864 MiB) on the LRU that no process maps";
  x.json()["signals"] = {{"oom_kill", 23},
                         {"thp_split_page_failed", 617424542},
                         {"compact_fail", 48},
                         {"numa_miss", 3586893711ULL},
                         {"kmsg_oom_victims", {{{"pid", 3210}, {"comm", "qemu-kvm"}}}},
                         {"counter_drift_note",
                          "meminfo and vmstat are the incident's, read at slightly different "
                          "moments; the frames follow vmstat (nr_file_pages excepted: the frames "
                          "hold 33614, vmstat says 29720)"}};
  x.write(o.expect);
}

}  // namespace memsift::testgen
