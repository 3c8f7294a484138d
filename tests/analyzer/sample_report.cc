// The sample reports: figures from the seed's /proc/meminfo (testdata/seed/meminfo) and the
// page-types rows of ../shared/seed/README.md.
#include "tests/analyzer/sample_report.h"

namespace memsift::test {
namespace {

using namespace report;

ByteCount kib(uint64_t k) {
  return kibToBytes(k);
}

Source meminfo(const char* field) {
  return {"proc/meminfo", field};
}

LedgerLine line(const char* id, const char* label, uint64_t kib_value, const char* field) {
  return {id, label, kib(kib_value), meminfo(field)};
}

void fillLedger(Report& r, uint64_t mem_total_kib, std::vector<LedgerLine> lines) {
  r.ledger.mem_total = kib(mem_total_kib);
  r.ledger.mem_total_source = meminfo("MemTotal");
  int64_t residual = static_cast<int64_t>(r.ledger.mem_total.value());
  for (const LedgerLine& l : lines)
    residual -= static_cast<int64_t>(l.bytes.value());
  r.ledger.lines = std::move(lines);
  r.ledger.residual_bytes = residual;
}

void fillAnon(Report& r, uint64_t active, uint64_t inactive, uint64_t anon_pages, uint64_t shmem) {
  AnonReconciliation& a = r.anon;
  a.active_anon = kib(active);
  a.inactive_anon = kib(inactive);
  a.lru_anon = kib(active + inactive);
  a.anon_pages = kib(anon_pages);
  a.shmem = kib(shmem);
  uint64_t explained = anon_pages + shmem;
  a.unexplained = kib(active + inactive > explained ? active + inactive - explained : 0);
  a.unexplained_share =
      static_cast<double>(a.unexplained.value()) / static_cast<double>(r.host.mem_total.value());
  a.sources = {meminfo("Active(anon)"), meminfo("Inactive(anon)"), meminfo("AnonPages"),
               meminfo("Shmem")};
}

FrameCategoryRow category(const char* id, const char* label, uint64_t pages, uint64_t page_size) {
  FrameCategoryRow c{id, label, PageCount(pages), ByteCount(pages * page_size), {}};
  // Split across two nodes, the first taking the odd page.
  uint64_t first = pages - pages / 2;
  c.nodes = {{0, ByteCount(first * page_size)}, {1, ByteCount(pages / 2 * page_size)}};
  return c;
}

ProcessRow process(int pid, const char* comm, const char* cmdline, const char* cgroup,
                   uint64_t anon_kib, uint64_t file_kib, uint64_t shmem_kib) {
  ProcessRow p;
  p.pid = pid;
  p.comm = comm;
  p.cmdline = cmdline;
  p.cgroup = cgroup;
  p.anon = kib(anon_kib);
  p.file = kib(file_kib);
  p.shmem = kib(shmem_kib);
  p.rss = kib(anon_kib + file_kib + shmem_kib);
  p.pss = kib(anon_kib + file_kib / 2 + shmem_kib);
  p.uss = kib(anon_kib);
  return p;
}

constexpr const char* kVmScope = "/machine.slice/machine-qemu\\x2d1\\x2dvm01.scope";

}  // namespace

Report seedReport() {
  Report r;
  r.host.hostname = "kvm-host-17";
  r.host.kernel = "4.18.0-147.el8.aarch64";
  r.host.arch = "aarch64";
  r.host.page_size = kSeedPageSize;
  r.host.byte_order = "little-endian";
  r.host.mem_total = kib(kSeedMemTotalKib);
  r.host.uptime_seconds = 1054800;  // 12d 5h
  r.host.collected_at = "2024-03-14T09:26:53Z";
  r.host.collector_version = "0.1.0";
  r.host.nodes = 2;

  r.collection.complete = true;

  fillLedger(r, kSeedMemTotalKib,
             {
                 line("free", "Free", 20211840, "MemFree"),
                 line("file_lru_active", "File LRU, active", 175680, "Active(file)"),
                 line("file_lru_inactive", "File LRU, inactive", 88832, "Inactive(file)"),
                 line("anon_lru_active", "Anonymous LRU, active", 236843328, "Active(anon)"),
                 line("anon_lru_inactive", "Anonymous LRU, inactive", 1749632, "Inactive(anon)"),
                 line("unevictable", "Unevictable", 643904, "Unevictable"),
                 line("slab_reclaimable", "Slab, reclaimable", 248384, "SReclaimable"),
                 line("slab_unreclaimable", "Slab, unreclaimable", 2679552, "SUnreclaim"),
                 line("kernel_stack", "Kernel stacks", 155008, "KernelStack"),
                 line("page_tables", "Page tables", 57280, "PageTables"),
                 line("vmalloc", "vmalloc", 0, "VmallocUsed"),
                 line("hugetlb", "HugeTLB", 0, "Hugetlb"),
             });

  fillAnon(r, 236843328, 1749632, 2868800, 1759232);
  r.anon.processes = 212;
  r.anon.process_rss_anon = kib(2803456);
  r.anon.process_pss_anon = kib(2741120);
  r.anon.frames_lru_anon = kib(238592960);
  r.anon.frames_anon_unmapped = ByteCount(kSeedThpCount * kSeedThpBytes);
  r.anon.drift = kib(18432);
  r.anon.sources.push_back({"pageframes", "anon_thp_unmapped"});

  Finding thp;
  thp.id = "unmapped-anon-thp";
  thp.severity = Severity::kCritical;
  thp.bytes = ByteCount(kSeedThpCount * kSeedThpBytes);
  thp.pages = PageCount(kSeedThpCount * (kSeedThpBytes / kSeedPageSize));
  thp.thp_count = kSeedThpCount;
  thp.thp_bytes = ByteCount(kSeedThpBytes);
  thp.thp_sizes = {{ByteCount(kSeedThpBytes), kSeedThpCount}};
  thp.cgroups = {{kVmScope, 4242, ByteCount(300 * kSeedThpBytes)},
                 {"/user.slice", 17, ByteCount(100 * kSeedThpBytes)},
                 {"@9999", 9999, ByteCount(47 * kSeedThpBytes)}};
  thp.nodes = {{0, ByteCount(224 * kSeedThpBytes)}, {1, ByteCount(223 * kSeedThpBytes)}};
  for (uint64_t i = 0; i < 100; ++i)
    thp.ranges.push_back({Pfn(0x10000 + i * 0x2000), PageCount(0x2000)});
  thp.range_count = kSeedThpCount;
  // Its sentences come from these facts (report/finding_wording_anon.cc), and from r.anon.
  report::UnmappedThpFacts facts;
  facts.leak = {true, 617424542, std::nullopt};
  facts.frames_per_thp = PageCount(kSeedThpBytes / kSeedPageSize);
  facts.pmd = ByteCount(kSeedThpBytes);
  facts.pmd_source = meminfo("Hugepagesize");
  thp.facts = facts;

  Finding oom;
  oom.id = "oom-kills";
  oom.severity = Severity::kWarning;
  oom.facts = report::OomFacts{23, 1, {{"Killed process 4711 (qemu-kvm) total-vm:2GB", 812}}};
  r.findings = {thp, oom};

  FrameSummary frames;
  frames.frames = PageCount(4194304);
  const uint64_t ps = kSeedPageSize;
  frames.categories = {
      category("free", "free (buddy)", 315810, ps),
      category("anon_mapped", "anonymous, mapped", 44825, ps),
      category("anon_thp_unmapped", "anonymous THP, unmapped", 3661824, ps),
      category("file_unmapped", "page cache, unmapped", 4133, ps),
      category("shmem_mapped", "shmem/tmpfs, mapped", 27488, ps),
      category("slab", "slab", 45749, ps),
      category("page_table", "page tables", 895, ps),
      category("kernel", "kernel (reserved, zero page, other)", 28044, ps),
      category("hole", "hole (no memory)", 65536, ps),
  };
  r.frames = frames;
  setMapCells(r, 512);

  r.processes = {
      process(48211, "qemu-kvm",
              "/usr/libexec/qemu-kvm -name guest=vm01,debug-threads=on -m 8192 -smp 4", kVmScope,
              2411520, 65536, 1048576),
      process(1, "systemd", "/usr/lib/systemd/systemd --switched-root --system", "/init.scope",
              9216, 6144, 0),
      process(2210, "libvirtd", "/usr/sbin/libvirtd --timeout 120",
              "/system.slice/libvirtd.service", 30720, 22528, 0),
  };
  r.process_count = 212;
  CgroupRow vm;
  vm.path = kVmScope;
  vm.inode = 4242;
  vm.tasks = 9;
  vm.usage = ByteCount(300 * kSeedThpBytes + (uint64_t{3} << 30));
  vm.stat_anon = ByteCount(300 * kSeedThpBytes + (uint64_t{2} << 30));
  vm.stat_file = ByteCount(uint64_t{64} << 20);
  vm.frame_bytes = vm.usage;
  vm.frame_unmapped_anon = ByteCount(300 * kSeedThpBytes);
  CgroupRow user;
  user.path = "/user.slice";
  user.inode = 17;
  user.tasks = 31;
  user.usage = ByteCount(100 * kSeedThpBytes + (uint64_t{1} << 30));
  user.frame_bytes = user.usage;
  user.frame_unmapped_anon = ByteCount(100 * kSeedThpBytes);
  r.cgroups = {vm, user};
  r.cgroup_count = 46;
  return r;
}

Report healthyReport() {
  Report r;
  r.host.hostname = "web-03";
  r.host.kernel = "6.1.0-18-amd64";
  r.host.arch = "x86_64";
  r.host.page_size = 4096;
  r.host.byte_order = "little-endian";
  r.host.mem_total = kib(16316468);
  r.host.uptime_seconds = 7384;
  r.host.collected_at = "2024-05-02T11:00:00Z";
  r.host.collector_version = "0.1.0";
  r.host.nodes = 1;
  r.collection.complete = true;
  fillLedger(r, 16316468,
             {
                 line("free", "Free", 9832112, "MemFree"),
                 line("file_lru_active", "File LRU, active", 2114560, "Active(file)"),
                 line("file_lru_inactive", "File LRU, inactive", 1802240, "Inactive(file)"),
                 line("anon_lru_active", "Anonymous LRU, active", 1310720, "Active(anon)"),
                 line("anon_lru_inactive", "Anonymous LRU, inactive", 524288, "Inactive(anon)"),
                 line("slab_reclaimable", "Slab, reclaimable", 401408, "SReclaimable"),
                 line("slab_unreclaimable", "Slab, unreclaimable", 143360, "SUnreclaim"),
                 line("kernel_stack", "Kernel stacks", 16384, "KernelStack"),
                 line("page_tables", "Page tables", 24576, "PageTables"),
             });
  fillAnon(r, 1310720, 524288, 1703936, 98304);
  r.anon.processes = 140;
  r.anon.process_rss_anon = kib(1690000);
  r.anon.process_pss_anon = kib(1650000);
  r.processes = {process(911, "postgres", "postgres: checkpointer",
                         "/system.slice/postgresql.service", 524288, 131072, 262144)};
  r.process_count = 140;
  return r;
}

void addHostileProcess(Report& r) {
  ProcessRow p = process(6666, "<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
                         "/evil.slice/\"q\"&'a'|b*_[x](y)", 4096, 0, 0);
  r.processes.insert(r.processes.begin(), p);
  CgroupRow c;
  c.path = "/evil.slice/<b>bold</b>\x1b[31m|red`";
  c.inode = 66;
  c.tasks = 1;
  c.usage = kib(4096);
  r.cgroups.push_back(c);
}

void setMapCells(Report& r, size_t cells) {
  r.memory_map.clear();
  r.memory_map.reserve(cells);
  const uint64_t frames = r.frames ? r.frames->frames.value() : 4194304;
  const uint64_t per_cell = std::max<uint64_t>(frames / cells, 1);
  const uint64_t thp_pages = kSeedThpBytes / kSeedPageSize;
  for (size_t i = 0; i < cells; ++i) {
    MapCell c;
    c.start = Pfn(i * per_cell);
    c.pages = PageCount(per_cell);
    c.node = i < cells / 2 ? 0 : 1;
    uint64_t end = c.start.value() + per_cell;
    // The leaked THPs cover PFN 0x10000 .. 0x10000 + 447 THPs; below them a hole.
    const uint64_t leak_begin = 0x10000, leak_end = leak_begin + kSeedThpCount * thp_pages;
    if (end <= leak_begin) {
      c.category = "hole";
      c.mix = {{"hole", per_cell}};
    } else if (c.start.value() >= leak_begin && end <= leak_end) {
      c.category = "anon_thp_unmapped";
      c.mix = {{"anon_thp_unmapped", per_cell}};
    } else if (i % 3 == 0) {
      c.category = "anon_mapped";
      c.mix = {{"anon_mapped", per_cell * 3 / 4}, {"free", per_cell - per_cell * 3 / 4}};
    } else {
      c.category = "free";
      c.mix = {{"free", per_cell * 2 / 3},
               {"slab", per_cell / 6},
               {"kernel", per_cell - per_cell * 2 / 3 - per_cell / 6}};
    }
    r.memory_map.push_back(std::move(c));
  }
}

void setMthpLeak(Report& r) {
  // ppc64le, 64 KiB pages: 1,536 x 1 MiB + 2,560 x 512 KiB + 5,632 x 256 KiB = 4.1 GiB.
  Finding& f = r.findings.front();
  f.thp_sizes = {
      {ByteCount(1u << 20), 1536}, {ByteCount(512u << 10), 2560}, {ByteCount(256u << 10), 5632}};
  f.thp_count = 1536 + 2560 + 5632;
  f.thp_bytes = ByteCount(256u << 10);
  f.thp_below_pmd = true;
  f.bytes = ByteCount(1536ull * (1u << 20) + 2560ull * (512u << 10) + 5632ull * (256u << 10));
  f.pages = PageCount(f.bytes.value() / kSeedPageSize);
  auto& facts = std::get<report::UnmappedThpFacts>(f.facts);
  facts.frames_per_thp = PageCount();
  facts.pmd = ByteCount(512u << 20);  // 64 KiB pages: the PMD maps 512 MiB
}

}  // namespace memsift::test
