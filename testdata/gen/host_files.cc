// Writes a synthetic host's /proc and /sys text files from its model, in the formats of the
// kernel functions named at each writer (4.18-era or 6.x where they differ).
#include <sstream>

#include "testdata/gen/gen_util.h"
#include "testdata/gen/host.h"

namespace memsift::testgen {

namespace {

// fs/proc/meminfo.c show_val_kb(): the label padded to 16 columns, the value to 8.
void kbLine(std::ostringstream& o, const std::string& prefix, const std::string& label,
            uint64_t kib) {
  std::string l = label + ":";
  if (l.size() < 16) l.append(16 - l.size(), ' ');
  o << prefix << l << padded(kib, 8) << " kB\n";
}

std::string nodeList(size_t n) {
  return n == 1 ? "0" : "0-" + std::to_string(n - 1);
}

uint64_t vmallocTotalKib(const std::string& arch) {
  if (arch == "x86_64") return 34359738367ULL;
  if (arch == "aarch64") return 133009637312ULL;  // the seed's meminfo
  if (arch == "s390x") return 536870912ULL;       // VMALLOC_DEFAULT_SIZE, 512 GiB
  return 549755813888ULL;                         // ppc64le radix
}

// A boot id as the kernel prints it (a random UUID, drivers/char/random.c), here derived from
// the hostname: every root of one case is the same boot, whatever --uptime-add says.
std::string bootId(const std::string& hostname) {
  uint64_t a = 1469598103934665603ULL, b = 0x9e3779b97f4a7c15ULL;
  for (char ch : hostname) {
    a = (a ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    b = (b ^ a) * 0xff51afd7ed558ccdULL;
  }
  char id[40];
  std::snprintf(id, sizeof id, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                0x8000 | (static_cast<unsigned>(b >> 48) & 0x3fff),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return id;
}

}  // namespace

void writeHostFacts(const Host& h) {
  const fs::path& r = h.root;
  writeText(r / "proc/sys/kernel/osrelease", h.facts.osrelease + "\n");
  writeText(r / "proc/sys/kernel/hostname", h.facts.hostname + "\n");
  writeText(r / "proc/sys/kernel/random/boot_id", bootId(h.facts.hostname) + "\n");
  // kernel.arch exists since 6.1 (kernel/utsname_sysctl.c); written for every era so that the
  // bundle's host facts name the architecture.
  writeText(r / "proc/sys/kernel/arch", h.facts.arch + "\n");
  writeText(r / "proc/version", h.facts.version + "\n");
  char up[64];
  std::snprintf(up, sizeof up, "%.2f %.2f\n", h.facts.uptime, h.facts.uptime * 3.7);
  writeText(r / "proc/uptime", up);
  writeText(r / "proc/loadavg", "1.08 1.21 1.30 2/1187 31337\n");
  writeText(r / "proc/cmdline", "BOOT_IMAGE=/vmlinuz-" + h.facts.osrelease +
                                    " root=/dev/mapper/root ro crashkernel=auto\n");
  writeText(r / "proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  uint64_t mem_kib = h.layout.kib(h.memTotalPages());
  writeText(r / "proc/sys/vm/min_free_kbytes",
            std::to_string(std::min<uint64_t>(mem_kib / 1000 + 1024, 262144)) + "\n");
  writeText(r / "proc/sys/vm/overcommit_memory", "0\n");
  writeText(r / "proc/sys/vm/swappiness", "60\n");
  writeText(r / "proc/sys/vm/panic_on_oom", "0\n");
}

void writeMountinfo(const Host& h) {
  // Documentation/filesystems/proc.rst, "/proc/<pid>/mountinfo".
  std::ostringstream mi, mounts;
  mi << "22 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/root rw,attr2,inode64\n"
     << "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:5 - proc proc rw\n"
     << "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw\n";
  mounts << "/dev/mapper/root / xfs rw,relatime,attr2,inode64 0 0\n"
         << "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
         << "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n";
  if (h.cgroup_version == 1) {
    mi << "30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:7 - tmpfs tmpfs ro,mode=755\n"
       << "31 30 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:8 - cgroup "
          "cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
       << "35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:13 - cgroup "
          "cgroup rw,memory\n"
       << "36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - "
          "cgroup cgroup rw,cpu,cpuacct\n";
    mounts << "tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0\n"
           << "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0\n";
  } else {
    mi << "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
          "cgroup2 rw,nsdelegate,memory_recursiveprot\n";
    mounts << "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n";
  }
  writeText(h.root / "proc/self/mountinfo", mi.str());
  writeText(h.root / "proc/mounts", mounts.str());
}

void writeMeminfo(const Host& h) {
  // fs/proc/meminfo.c meminfo_proc_show(), 6.x order.
  const Counters& c = h.total;
  const Layout& L = h.layout;
  auto kb = [&](uint64_t pages) { return L.kib(pages); };
  const uint64_t total = h.memTotalPages();
  const uint64_t lru_file = c.active_file + c.inactive_file;
  // si_mem_available(): free minus reserves, plus the page cache and reclaimable slab beyond
  // what the low watermarks keep.
  const uint64_t wmark_low = total / 800;
  uint64_t avail = c.free > wmark_low * 2 ? c.free - wmark_low * 2 : 0;
  avail += lru_file - std::min(lru_file / 2, wmark_low);
  avail += c.slab_reclaimable - std::min(c.slab_reclaimable / 2, wmark_low);
  std::ostringstream o;
  kbLine(o, "", "MemTotal", kb(total));
  kbLine(o, "", "MemFree", kb(c.free));
  kbLine(o, "", "MemAvailable", kb(avail));
  kbLine(o, "", "Buffers", 0);
  kbLine(o, "", "Cached", kb(c.file));
  kbLine(o, "", "SwapCached", 0);
  kbLine(o, "", "Active", kb(c.active_anon + c.active_file));
  kbLine(o, "", "Inactive", kb(c.inactive_anon + c.inactive_file));
  kbLine(o, "", "Active(anon)", kb(c.active_anon));
  kbLine(o, "", "Inactive(anon)", kb(c.inactive_anon));
  kbLine(o, "", "Active(file)", kb(c.active_file));
  kbLine(o, "", "Inactive(file)", kb(c.inactive_file));
  kbLine(o, "", "Unevictable", kb(c.unevictable));
  kbLine(o, "", "Mlocked", kb(c.mlocked));
  kbLine(o, "", "SwapTotal", 0);
  kbLine(o, "", "SwapFree", 0);
  kbLine(o, "", "Zswap", 0);
  kbLine(o, "", "Zswapped", 0);
  kbLine(o, "", "Dirty", kb(c.dirty));
  kbLine(o, "", "Writeback", kb(c.writeback));
  kbLine(o, "", "AnonPages", kb(c.anon));
  kbLine(o, "", "Mapped", kb(c.file_mapped));
  kbLine(o, "", "Shmem", kb(c.shmem));
  kbLine(o, "", "KReclaimable", kb(c.slab_reclaimable));
  kbLine(o, "", "Slab", kb(c.slab_reclaimable + c.slab_unreclaimable));
  kbLine(o, "", "SReclaimable", kb(c.slab_reclaimable));
  kbLine(o, "", "SUnreclaim", kb(c.slab_unreclaimable));
  kbLine(o, "", "KernelStack", kb(c.kernel_stack));
  kbLine(o, "", "PageTables", kb(c.page_tables));
  kbLine(o, "", "SecPageTables", 0);
  kbLine(o, "", "NFS_Unstable", 0);
  kbLine(o, "", "Bounce", 0);
  kbLine(o, "", "WritebackTmp", 0);
  kbLine(o, "", "CommitLimit", kb(total / 2));
  kbLine(o, "", "Committed_AS", kb(c.anon + c.anon_thp / 4 + c.shmem + c.anon / 3));
  kbLine(o, "", "VmallocTotal", vmallocTotalKib(h.facts.arch));
  kbLine(o, "", "VmallocUsed", kb(c.vmalloc + c.kernel_stack));
  kbLine(o, "", "VmallocChunk", 0);
  kbLine(o, "", "Percpu", kb(c.percpu));
  kbLine(o, "", "HardwareCorrupted", 0);
  kbLine(o, "", "AnonHugePages", kb(c.anon_thp));
  kbLine(o, "", "ShmemHugePages", kb(c.shmem_thp));
  kbLine(o, "", "ShmemPmdMapped", 0);
  kbLine(o, "", "FileHugePages", 0);
  kbLine(o, "", "FilePmdMapped", 0);
  const uint64_t hp_pages = L.pmd_pages;  // the default hugetlb size is the PMD size
  const uint64_t hp_kib = kb(hp_pages);
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "HugePages_Total:   %5llu\nHugePages_Free:    %5llu\nHugePages_Rsvd:    %5llu\n"
                "HugePages_Surp:    %5llu\nHugepagesize:   %8llu kB\n",
                static_cast<unsigned long long>(c.hugetlb_total / hp_pages),
                static_cast<unsigned long long>(c.hugetlb_free / hp_pages), 0ULL, 0ULL,
                static_cast<unsigned long long>(hp_kib));
  o << buf;
  kbLine(o, "", "Hugetlb", kb(c.hugetlb_total));
  if (h.facts.arch == "x86_64") {
    kbLine(o, "", "DirectMap4k", 524288);
    kbLine(o, "", "DirectMap2M", 16777216);
    kbLine(o, "", "DirectMap1G", kb(L.end_pfn) > 17301504 ? kb(L.end_pfn) - 17301504 : 0);
  } else if (h.facts.arch == "s390x") {
    // arch/s390/mm/pageattr.c arch_report_meminfo(): the identity mapping by page size.
    kbLine(o, "", "DirectMap4k", 16384);
    kbLine(o, "", "DirectMap1M", kb(L.end_pfn) - 16384);
    kbLine(o, "", "DirectMap2G", 0);
  }
  writeText(h.root / "proc/meminfo", o.str());
}

namespace {
// The per-node counters of vmstat and zoneinfo ("per-node stats"), mm/vmstat.c vmstat_text[].
void nodeStats(std::ostringstream& o, const std::string& indent, const Counters& c, Era era,
               uint64_t thp_pages, const Layout& L) {
  auto line = [&](const char* k, uint64_t v) { o << indent << k << ' ' << v << '\n'; };
  line("nr_inactive_anon", c.inactive_anon);
  line("nr_active_anon", c.active_anon);
  line("nr_inactive_file", c.inactive_file);
  line("nr_active_file", c.active_file);
  line("nr_unevictable", c.unevictable);
  line("nr_slab_reclaimable", c.slab_reclaimable);
  line("nr_slab_unreclaimable", c.slab_unreclaimable);
  line("nr_isolated_anon", 0);
  line("nr_isolated_file", 0);
  line("nr_anon_pages", c.anon);
  line("nr_mapped", c.file_mapped);
  line("nr_file_pages", c.file);
  line("nr_dirty", c.dirty);
  line("nr_writeback", c.writeback);
  line("nr_shmem", c.shmem);
  // Printed in THPs, not pages (mm/vmstat.c vmstat_item_print_in_thp()).
  line("nr_shmem_hugepages", c.shmem_thp / thp_pages);
  line("nr_anon_transparent_hugepages", c.anon_thp / thp_pages);
  // Node counters since 5.x (NR_KERNEL_STACK_KB is in kB); zone counters on 4.18.
  if (newProcFiles(era)) {
    line("nr_kernel_stack", L.kib(c.kernel_stack));
    line("nr_page_table_pages", c.page_tables);
  }
}
}  // namespace

void writeVmstat(const Host& h, const std::map<std::string, uint64_t>& events) {
  const Counters& c = h.total;
  const uint64_t thp = h.layout.pmd_pages;
  std::ostringstream o;
  auto line = [&](const std::string& k, uint64_t v) { o << k << ' ' << v << '\n'; };
  line("nr_free_pages", c.free);
  line("nr_zone_inactive_anon", c.inactive_anon);
  line("nr_zone_active_anon", c.active_anon);
  line("nr_zone_inactive_file", c.inactive_file);
  line("nr_zone_active_file", c.active_file);
  line("nr_zone_unevictable", c.unevictable);
  line("nr_zone_write_pending", c.dirty + c.writeback);
  line("nr_mlock", c.mlocked);
  line("nr_bounce", 0);
  line("nr_zspages", 0);
  line("nr_free_cma", 0);
  nodeStats(o, "", c, h.era, thp, h.layout);
  // Node counters since 5.7 (mm/gup.c): pins taken and dropped since boot.
  if (newProcFiles(h.era)) {
    line("nr_foll_pin_acquired", 4200000 + h.foll_pins);
    line("nr_foll_pin_released", 4200000);
  }
  line("nr_swapcached", 0);
  line("nr_hugetlb", c.hugetlb_total);
  for (const auto& [k, v] : events)
    line(k, v);
  writeText(h.root / "proc/vmstat", o.str());
}

void writeZoneinfo(const Host& h) {
  // mm/vmstat.c zoneinfo_show_print(); 4.18 has no boost/promo/cma lines.
  std::ostringstream o;
  const bool new_era = newProcFiles(h.era);
  const uint64_t thp = h.layout.pmd_pages;
  for (const Node& n : h.layout.nodes) {
    Counters nc = h.nodeCounters(static_cast<size_t>(n.id));
    for (size_t zi = 0; zi < n.zones.size(); ++zi) {
      const Zone& z = n.zones[zi];
      Counters zc;
      if (static_cast<size_t>(n.id) < h.zone_counters.size() &&
          zi < h.zone_counters[static_cast<size_t>(n.id)].size())
        zc = h.zone_counters[static_cast<size_t>(n.id)][zi];
      char head[64];
      std::snprintf(head, sizeof head, "Node %d, zone %8s\n", n.id, z.name.c_str());
      o << head;
      if (zi == 0) {
        o << "  per-node stats\n";
        nodeStats(o, "      ", nc, h.era, thp, h.layout);
      }
      const uint64_t min = z.managed / 1000 + 8;
      o << "  pages free     " << zc.free << "\n";
      if (new_era) o << "        boost    0\n";
      o << "        min      " << min << "\n"
        << "        low      " << min * 5 / 4 << "\n"
        << "        high     " << min * 3 / 2 << "\n";
      if (new_era) o << "        promo    " << min * 7 / 4 << "\n";
      o << "        spanned  " << z.spanned << "\n"
        << "        present  " << z.present << "\n"
        << "        managed  " << z.managed << "\n";
      if (new_era) o << "        cma      0\n";
      o << "        protection: (0, 0, 0, 0)\n";
      o << "      nr_free_pages " << zc.free << "\n"
        << "      nr_zone_inactive_anon " << zc.inactive_anon << "\n"
        << "      nr_zone_active_anon " << zc.active_anon << "\n"
        << "      nr_zone_inactive_file " << zc.inactive_file << "\n"
        << "      nr_zone_active_file " << zc.active_file << "\n"
        << "      nr_zone_unevictable " << zc.unevictable << "\n"
        << "      nr_zone_write_pending " << zc.dirty + zc.writeback << "\n"
        << "      nr_mlock     " << zc.mlocked << "\n"
        << "      nr_bounce    0\n"
        << "      nr_zspages   0\n"
        << "      nr_free_cma  0\n"
        << "  pagesets\n"
        << "    cpu: 0\n"
        << "              count: 12\n"
        << "              high:  378\n"
        << "              batch: 63\n"
        << "  vm stats threshold: 64\n"
        << "  node_unreclaimable:  0\n"
        << "  start_pfn:           " << z.start << "\n";
    }
  }
  writeText(h.root / "proc/zoneinfo", o.str());
}

void writeBuddyinfo(const Host& h) {
  // mm/vmstat.c frag_show_print(): "Node %d, zone %8s " then "%6lu " per order.
  std::ostringstream o;
  for (const Node& n : h.layout.nodes) {
    for (size_t zi = 0; zi < n.zones.size(); ++zi) {
      char head[64];
      std::snprintf(head, sizeof head, "Node %d, zone %8s ", n.id, n.zones[zi].name.c_str());
      o << head;
      for (unsigned ord = 0; ord < h.layout.max_order; ++ord) {
        uint64_t v = 0;
        if (static_cast<size_t>(n.id) < h.buddy.size() &&
            zi < h.buddy[static_cast<size_t>(n.id)].size() &&
            ord < h.buddy[static_cast<size_t>(n.id)][zi].size())
          v = h.buddy[static_cast<size_t>(n.id)][zi][ord];
        o << padded(v, 6) << ' ';
      }
      o << '\n';
    }
  }
  writeText(h.root / "proc/buddyinfo", o.str());
}

void writeNodes(const Host& h) {
  // drivers/base/node.c node_read_meminfo(): "Node %d " + the meminfo label and value.
  const fs::path base = h.root / "sys/devices/system/node";
  const std::string all = nodeList(h.layout.nodes.size());
  for (const char* f : {"online", "possible", "has_memory", "has_normal_memory", "has_cpu"})
    writeText(base / f, all + "\n");
  const uint64_t hp_pages = h.layout.pmd_pages;
  for (const Node& n : h.layout.nodes) {
    const Counters c = h.nodeCounters(static_cast<size_t>(n.id));
    uint64_t managed = 0;
    for (const Zone& z : n.zones)
      managed += z.managed;
    auto kb = [&](uint64_t p) { return h.layout.kib(p); };
    const std::string p = "Node " + std::to_string(n.id) + " ";
    std::ostringstream o;
    kbLine(o, p, "MemTotal", kb(managed));
    kbLine(o, p, "MemFree", kb(c.free));
    kbLine(o, p, "MemUsed", kb(managed - c.free));
    kbLine(o, p, "SwapCached", 0);
    kbLine(o, p, "Active", kb(c.active_anon + c.active_file));
    kbLine(o, p, "Inactive", kb(c.inactive_anon + c.inactive_file));
    kbLine(o, p, "Active(anon)", kb(c.active_anon));
    kbLine(o, p, "Inactive(anon)", kb(c.inactive_anon));
    kbLine(o, p, "Active(file)", kb(c.active_file));
    kbLine(o, p, "Inactive(file)", kb(c.inactive_file));
    kbLine(o, p, "Unevictable", kb(c.unevictable));
    kbLine(o, p, "Mlocked", kb(c.mlocked));
    kbLine(o, p, "Dirty", kb(c.dirty));
    kbLine(o, p, "Writeback", kb(c.writeback));
    kbLine(o, p, "FilePages", kb(c.file));
    kbLine(o, p, "Mapped", kb(c.file_mapped));
    kbLine(o, p, "AnonPages", kb(c.anon));
    kbLine(o, p, "Shmem", kb(c.shmem));
    kbLine(o, p, "KernelStack", kb(c.kernel_stack));
    kbLine(o, p, "PageTables", kb(c.page_tables));
    kbLine(o, p, "NFS_Unstable", 0);
    kbLine(o, p, "Bounce", 0);
    kbLine(o, p, "WritebackTmp", 0);
    kbLine(o, p, "KReclaimable", kb(c.slab_reclaimable));
    kbLine(o, p, "Slab", kb(c.slab_reclaimable + c.slab_unreclaimable));
    kbLine(o, p, "SReclaimable", kb(c.slab_reclaimable));
    kbLine(o, p, "SUnreclaim", kb(c.slab_unreclaimable));
    kbLine(o, p, "AnonHugePages", kb(c.anon_thp));
    kbLine(o, p, "ShmemHugePages", kb(c.shmem_thp));
    kbLine(o, p, "ShmemPmdMapped", 0);
    o << p << "HugePages_Total: " << padded(c.hugetlb_total / hp_pages, 5) << "\n"
      << p << "HugePages_Free:  " << padded(c.hugetlb_free / hp_pages, 5) << "\n"
      << p << "HugePages_Surp:  " << padded(0, 5) << "\n";
    const fs::path nd = base / ("node" + std::to_string(n.id));
    writeText(nd / "meminfo", o.str());
    std::ostringstream ns;
    ns << "numa_hit 1000000\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 1000\n"
       << "local_node 1000000\nother_node 0\n";
    writeText(nd / "numastat", ns.str());
    std::ostringstream dist;
    for (size_t j = 0; j < h.layout.nodes.size(); ++j)
      dist << (j ? " " : "") << (static_cast<int>(j) == n.id ? 10 : 20);
    writeText(nd / "distance", dist.str() + "\n");
    std::ostringstream vm;
    nodeStats(vm, "", c, h.era, hp_pages, h.layout);
    writeText(nd / "vmstat", vm.str());
  }
}

void writeMemoryBlocks(const Host& h) {
  // drivers/base/memory.c: one directory per block, named by block id; phys_index is the first
  // section ("%08lx"); each block links to its node (register_memory_block_under_node()).
  const Layout& L = h.layout;
  const fs::path base = h.root / "sys/devices/system/memory";
  writeText(base / "block_size_bytes", hex(L.block_pages * L.page_size) + "\n");
  writeText(base / "auto_online_blocks", "offline\n");
  const uint64_t blocks = (L.end_pfn + L.block_pages - 1) / L.block_pages;
  for (uint64_t b = 0; b < blocks; ++b) {
    const uint64_t s = b * L.block_pages, e = s + L.block_pages;
    int node = -1;
    std::string zone;
    for (const Node& n : L.nodes)
      for (const Range& r : n.mem)
        if (r.start < e && r.start + r.pages > s) node = n.id;
    if (node < 0) continue;  // no memory in this block: no directory, as on real hosts
    for (const Zone& z : L.nodes[static_cast<size_t>(node)].zones)
      if (z.start < e && z.start + z.spanned > s)
        zone = zone.empty() ? z.name : zone + " " + z.name;
    const fs::path d = base / ("memory" + std::to_string(b));
    char idx[32];
    std::snprintf(idx, sizeof idx, "%08llx\n",
                  static_cast<unsigned long long>(s / L.section_pages));
    writeText(d / "phys_index", idx);
    writeText(d / "state", "online\n");
    writeText(d / "online", "1\n");
    writeText(d / "valid_zones", zone + "\n");
    writeText(d / "removable", "0\n");
    makeSymlink("../../node/node" + std::to_string(node), d / ("node" + std::to_string(node)));
  }
}

void writeThpSettings(const Host& h, const std::string& enabled) {
  const fs::path t = h.root / "sys/kernel/mm/transparent_hugepage";
  writeText(t / "enabled", enabled + "\n");
  writeText(t / "defrag", "always defer defer+madvise [madvise] never\n");
  writeText(t / "use_zero_page", "1\n");
  const uint64_t thp = h.layout.pmd_pages;
  writeText(t / "hpage_pmd_size", std::to_string(thp * h.layout.page_size) + "\n");
  writeText(t / "khugepaged/pages_collapsed", "79\n");
  writeText(t / "khugepaged/full_scans", "1204\n");
  writeText(t / "khugepaged/max_ptes_none", std::to_string(thp - 1) + "\n");
}

void writeMthp(const Host& h, const std::vector<MthpSize>& sizes) {
  // mm/huge_memory.c: one directory per THP size (hugepages_init_sysfs()) with its switches and,
  // since 6.9, per-size counters in stats/ (Documentation/admin-guide/mm/transhuge.rst); the
  // counters of 6.12 (nr_anon and nr_anon_partially_mapped are the newest).
  static constexpr const char* kStats[] = {"anon_fault_alloc",
                                           "anon_fault_fallback",
                                           "anon_fault_fallback_charge",
                                           "zswpout",
                                           "swpin",
                                           "swpout",
                                           "swpout_fallback",
                                           "shmem_alloc",
                                           "shmem_fallback",
                                           "shmem_fallback_charge",
                                           "split",
                                           "split_failed",
                                           "split_deferred",
                                           "nr_anon",
                                           "nr_anon_partially_mapped"};
  for (const MthpSize& z : sizes) {
    const fs::path d = h.root / "sys/kernel/mm/transparent_hugepage" /
                       ("hugepages-" + std::to_string(h.layout.kib(uint64_t{1} << z.order)) + "kB");
    writeText(d / "enabled", z.enabled + "\n");
    writeText(d / "shmem_enabled", "always inherit within_size advise [never]\n");
    for (const char* name : kStats) {
      auto it = z.stats.find(name);
      writeText(d / "stats" / name, std::to_string(it == z.stats.end() ? 0 : it->second) + "\n");
    }
  }
}

void writeHugepages(const Host& h, uint64_t hugepage_kib, uint64_t total, uint64_t free,
                    uint64_t resv) {
  const fs::path d =
      h.root / ("sys/kernel/mm/hugepages/hugepages-" + std::to_string(hugepage_kib) + "kB");
  writeText(d / "nr_hugepages", std::to_string(total) + "\n");
  writeText(d / "free_hugepages", std::to_string(free) + "\n");
  writeText(d / "resv_hugepages", std::to_string(resv) + "\n");
  writeText(d / "surplus_hugepages", "0\n");
  writeText(d / "nr_overcommit_hugepages", "0\n");
  writeText(h.root / "proc/sys/vm/nr_hugepages", std::to_string(total) + "\n");
}

void writeKmsg(const Host& h, const std::vector<std::string>& records) {
  // Documentation/ABI/testing/dev-kmsg: "prio,seq,usec,flags;message", one record a line.
  std::string out;
  for (const std::string& r : records)
    out += r + "\n";
  writeText(h.root / "dev/kmsg", out);
}

}  // namespace memsift::testgen
