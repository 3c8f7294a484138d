// Writes the memory cgroup files and the per-process /proc files of a synthetic host, so that
// what processes and cgroups report agrees with the page frames that were laid out.
#include <numeric>
#include <sstream>

#include "testdata/gen/gen_util.h"
#include "testdata/gen/host.h"

namespace memsift::testgen {

namespace {

Counters hierarchical(const Host& h, const std::string& path) {
  Counters sum;
  for (const Cgroup& c : h.cgroups) {
    if (path == "/" || c.path == path || c.path.rfind(path + "/", 0) == 0) sum += c.local;
  }
  return sum;
}

// v1 memory.stat, 4.18 order (mm/memcontrol.c memcg_stat_show()): local values, then total_*.
void v1Stat(std::ostringstream& o, const std::string& prefix, const Counters& c, uint64_t ps) {
  auto b = [&](uint64_t pages) { return pages * ps; };
  o << prefix << "cache " << b(c.file) << "\n"
    << prefix << "rss " << b(c.charged_anon) << "\n"
    << prefix << "rss_huge " << b(c.charged_anon_thp) << "\n"
    << prefix << "shmem " << b(c.shmem) << "\n"
    << prefix << "mapped_file " << b(c.file_mapped) << "\n"
    << prefix << "dirty " << b(c.dirty) << "\n"
    << prefix << "writeback " << b(c.writeback) << "\n"
    << prefix << "swap 0\n"
    << prefix << "pgpgin " << c.charged_anon + c.file + 1000 << "\n"
    << prefix << "pgpgout 1000\n"
    << prefix << "pgfault " << c.charged_anon * 3 + 5000 << "\n"
    << prefix << "pgmajfault 12\n"
    << prefix << "inactive_anon " << b(c.inactive_anon) << "\n"
    << prefix << "active_anon " << b(c.active_anon) << "\n"
    << prefix << "inactive_file " << b(c.inactive_file) << "\n"
    << prefix << "active_file " << b(c.active_file) << "\n"
    << prefix << "unevictable " << b(c.unevictable) << "\n";
}

void writeV1(const Host& h, const Cgroup& cg, const fs::path& dir) {
  const uint64_t ps = h.layout.page_size;
  const Counters total = hierarchical(h, cg.path);
  std::ostringstream o;
  v1Stat(o, "", cg.local, ps);
  const uint64_t unlimited = 9223372036854710272ULL;  // PAGE_COUNTER_MAX * 64 KiB, rounded
  o << "hierarchical_memory_limit " << cg.limit_bytes.value_or(unlimited) << "\n"
    << "hierarchical_memsw_limit " << unlimited << "\n";
  v1Stat(o, "total_", total, ps);
  writeText(dir / "memory.stat", o.str());
  const uint64_t usage = (total.file + total.charged_anon) * ps;
  writeText(dir / "memory.usage_in_bytes", std::to_string(usage) + "\n");
  writeText(dir / "memory.max_usage_in_bytes", std::to_string(usage) + "\n");
  writeText(dir / "memory.limit_in_bytes",
            std::to_string(cg.limit_bytes.value_or(unlimited)) + "\n");
  writeText(dir / "memory.failcnt", "0\n");
  writeText(dir / "memory.use_hierarchy", "1\n");
  writeText(dir / "memory.swappiness", "60\n");
  writeText(dir / "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
  writeText(dir / "memory.kmem.usage_in_bytes",
            std::to_string((total.slab_reclaimable + total.slab_unreclaimable) * ps) + "\n");
}

void writeV2(const Host& h, const Cgroup& cg, const fs::path& dir) {
  const uint64_t ps = h.layout.page_size;
  const Counters c = hierarchical(h, cg.path);  // v2 statistics are hierarchical
  auto b = [&](uint64_t pages) { return pages * ps; };
  const uint64_t kernel = c.kernel_stack + c.page_tables + c.slab_reclaimable +
                          c.slab_unreclaimable + c.percpu + c.vmalloc;
  std::ostringstream o;
  // mm/memcontrol.c memory_stat_format(), 6.x order.
  o << "anon " << b(c.anon) << "\n"
    << "file " << b(c.file) << "\n"
    << "kernel " << b(kernel) << "\n"
    << "kernel_stack " << b(c.kernel_stack) << "\n"
    << "pagetables " << b(c.page_tables) << "\n"
    << "sec_pagetables 0\n"
    << "percpu " << b(c.percpu) << "\n"
    << "sock 0\n"
    << "vmalloc " << b(c.vmalloc) << "\n"
    << "shmem " << b(c.shmem) << "\n"
    << "zswap 0\nzswapped 0\n"
    << "file_mapped " << b(c.file_mapped) << "\n"
    << "file_dirty " << b(c.dirty) << "\n"
    << "file_writeback " << b(c.writeback) << "\n"
    << "swapcached 0\n"
    << "anon_thp " << b(c.anon_thp) << "\n"
    << "file_thp 0\n"
    << "shmem_thp " << b(c.shmem_thp) << "\n"
    << "inactive_anon " << b(c.inactive_anon) << "\n"
    << "active_anon " << b(c.active_anon) << "\n"
    << "inactive_file " << b(c.inactive_file) << "\n"
    << "active_file " << b(c.active_file) << "\n"
    << "unevictable " << b(c.unevictable) << "\n"
    << "slab_reclaimable " << b(c.slab_reclaimable) << "\n"
    << "slab_unreclaimable " << b(c.slab_unreclaimable) << "\n"
    << "slab " << b(c.slab_reclaimable + c.slab_unreclaimable) << "\n"
    << "workingset_refault_anon 0\nworkingset_refault_file 120\n"
    << "workingset_activate_anon 0\nworkingset_activate_file 14\n"
    << "workingset_restore_anon 0\nworkingset_restore_file 0\nworkingset_nodereclaim 0\n"
    << "pgscan 0\npgsteal 0\npgscan_kswapd 0\npgscan_direct 0\npgscan_khugepaged 0\n"
    << "pgsteal_kswapd 0\npgsteal_direct 0\npgsteal_khugepaged 0\n"
    << "pgfault " << c.charged_anon * 3 + 5000 << "\npgmajfault 12\n"
    << "pgrefill 0\npgactivate 100\npgdeactivate 0\npglazyfree 0\npglazyfreed 0\n"
    << "thp_fault_alloc " << c.anon_thp / h.layout.pmd_pages << "\nthp_collapse_alloc 0\n";
  writeText(dir / "memory.stat", o.str());
  if (cg.path != "/") {  // CFTYPE_NOT_ON_ROOT
    const uint64_t current = b(c.charged_anon + c.file + kernel);
    writeText(dir / "memory.current", std::to_string(current) + "\n");
    writeText(dir / "memory.peak", std::to_string(current) + "\n");
    writeText(dir / "memory.max",
              cg.limit_bytes ? std::to_string(*cg.limit_bytes) + "\n" : std::string("max\n"));
    writeText(dir / "memory.high", "max\n");
    writeText(dir / "memory.low", "0\n");
    writeText(dir / "memory.min", "0\n");
    writeText(dir / "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
    writeText(dir / "memory.swap.current", "0\n");
    writeText(dir / "memory.swap.max", "max\n");
    bool populated = !cg.pids.empty();
    for (const Cgroup& d : h.cgroups)
      if (d.path.rfind(cg.path + "/", 0) == 0 && !d.pids.empty()) populated = true;
    writeText(dir / "cgroup.events",
              std::string("populated ") + (populated ? "1" : "0") + "\nfrozen 0\n");
  }
  writeText(dir / "cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
  writeText(dir / "cgroup.subtree_control", "cpu io memory pids\n");
}

}  // namespace

void writeCgroupFiles(const Host& h) {
  for (const Cgroup& cg : h.cgroups) {
    const fs::path dir = cg.path == "/" ? h.cgroupRoot() : h.cgroupRoot() / cg.path.substr(1);
    if (h.cgroup_version == 1) {
      writeV1(h, cg, dir);
    } else {
      writeV2(h, cg, dir);
    }
    std::string procs{};
    for (int pid : cg.pids)
      procs += std::to_string(pid) + "\n";
    writeText(dir / "cgroup.procs", procs);
  }
}

namespace {

struct Vma {
  uint64_t start = 0, size_kib = 0;
  std::string perms{}, name{};
  uint64_t offset = 0, inode = 0;
  uint64_t anon_kib = 0, file_kib = 0, shmem_kib = 0, thp_kib = 0, locked_kib = 0;
  bool stack = false;
  uint64_t rss() const { return anon_kib + file_kib + shmem_kib; }
};

// Where the executable, the shared libraries and the stack sit in a process's address space.
struct AddressMap {
  uint64_t exe, libs, stack;
};
AddressMap addressMap(const std::string& arch) {
  if (arch == "aarch64") return {0xaaaab0000000ULL, 0xffff80000000ULL, 0xfffff0000000ULL};
  // ppc64: PIE executables above ELF_ET_DYN_BASE (4 GiB), mmap below a 128 TiB stack top.
  if (arch == "ppc64le") return {0x120000000ULL, 0x7fff80000000ULL, 0x7ffff0000000ULL};
  return {0x55d0a0000000ULL, 0x7f3c00000000ULL, 0x7ffd10000000ULL};
}

// Spreads a process's resident pages over a handful of VMAs, shaped like a real process.
std::vector<Vma> vmasOf(const Proc& p, const Layout& L, const AddressMap& at) {
  const uint64_t pk = L.page_size / 1024;
  const uint64_t exe_file = p.file / 3, lib_file = p.file - exe_file;
  const uint64_t stack_anon = p.anon > 1 ? 1 : 0;
  const uint64_t heap_anon = (p.anon - stack_anon) / 4;
  const uint64_t big_anon = p.anon - stack_anon - heap_anon;
  const std::string exe =
      "/usr/" + std::string(p.comm == "qemu-kvm" ? "libexec/" : "bin/") + p.comm;
  std::vector<Vma> v{};
  uint64_t addr = at.exe;
  auto add = [&](Vma x, uint64_t extra_kib) {
    // Sizes are whole pages; with THPs the VMA is also THP-aligned (PMD size).
    const uint64_t align = L.page_size * (x.thp_kib ? L.pmd_pages : 1);
    addr = (addr + align - 1) / align * align;
    x.start = addr;
    x.size_kib = x.rss() + extra_kib;
    if (x.size_kib == 0) x.size_kib = pk;
    addr += x.size_kib * 1024 + L.page_size * 16;  // a guard gap
    v.push_back(x);
  };
  add({.perms = "r-xp",
       .name = exe,
       .inode = 1311000u + static_cast<uint64_t>(p.pid),
       .file_kib = exe_file * pk},
      4 * pk);
  add({.perms = "rw-p", .name = "[heap]", .anon_kib = heap_anon * pk}, 64 * pk);
  Vma big{.perms = "rw-p", .anon_kib = big_anon * pk, .thp_kib = p.anon_thp * pk};
  big.anon_kib += big.thp_kib;
  add(big, p.virt_extra_kib);
  if (p.shmem) {
    add({.perms = "rw-s",
         .name = "/dev/shm/" + p.comm + ".shm",
         .inode = 40000,
         .shmem_kib = p.shmem * pk},
        0);
  }
  addr = at.libs;
  add({.perms = "r-xp",
       .name = "/usr/lib64/libc-2.28.so",
       .inode = 2098061,
       .file_kib = lib_file * pk},
      16 * pk);
  addr = at.stack;
  add({.perms = "rw-p", .name = "[stack]", .anon_kib = stack_anon * pk, .stack = true}, 2 * pk);
  // Locked pages: the anonymous region first, then the libraries (mlockall or -realtime mlock).
  uint64_t locked = p.locked * pk;
  for (Vma& x : v) {
    const uint64_t l = std::min(locked, x.rss());
    x.locked_kib = l;
    locked -= l;
  }
  return v;
}

std::string hexAddr(uint64_t a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llx", static_cast<unsigned long long>(a));
  return buf;
}

// fs/proc/task_mmu.c show_map_vma(): the name starts at column 73.
std::string mapsLine(const Vma& x) {
  std::ostringstream o;
  const bool file = !x.name.empty() && x.name[0] == '/';
  o << hexAddr(x.start) << '-' << hexAddr(x.start + x.size_kib * 1024) << ' ' << x.perms << ' '
    << hexAddr(x.offset) << ' ' << (file ? "fd:00" : "00:00") << ' ' << (file ? x.inode : 0) << ' ';
  std::string s = o.str();
  if (!x.name.empty()) {
    if (s.size() < 73) s.append(73 - s.size(), ' ');
    s += x.name;
  }
  return s + "\n";
}

void smapsFields(std::ostringstream& o, const Vma& x, Era era, bool rollup) {
  auto f = [&](const char* k, uint64_t kib) {
    std::string l = std::string(k) + ":";
    if (l.size() < 16) l.append(16 - l.size(), ' ');
    o << l << padded(kib, 8) << " kB\n";
  };
  // Every page is mapped once (kpagecount 1): PSS equals RSS, all private.
  const uint64_t rss = x.rss();
  const uint64_t dirty = x.anon_kib + x.shmem_kib;
  f("Rss", rss);
  f("Pss", rss);
  if (newProcFiles(era)) f("Pss_Dirty", dirty);
  if (rollup && newProcFiles(era)) {
    f("Pss_Anon", x.anon_kib);
    f("Pss_File", x.file_kib);
    f("Pss_Shmem", x.shmem_kib);
  }
  f("Shared_Clean", 0);
  f("Shared_Dirty", 0);
  f("Private_Clean", x.file_kib);
  f("Private_Dirty", dirty);
  f("Referenced", rss);
  f("Anonymous", x.anon_kib);
  if (newProcFiles(era)) f("KSM", 0);
  f("LazyFree", 0);
  f("AnonHugePages", x.thp_kib);
  f("ShmemPmdMapped", 0);
  if (newProcFiles(era)) f("FilePmdMapped", 0);
  f("Shared_Hugetlb", 0);
  f("Private_Hugetlb", 0);
  f("Swap", 0);
  f("SwapPss", 0);
  f("Locked", x.locked_kib);
}

}  // namespace

void writeProcesses(const Host& h) {
  const Layout& L = h.layout;
  const AddressMap at = addressMap(h.facts.arch);
  const uint64_t pk = L.page_size / 1024;
  for (const Proc& p : h.procs) {
    const fs::path d = h.root / "proc" / std::to_string(p.pid);
    std::vector<Vma> vmas = vmasOf(p, L, at);
    std::string maps{}, smaps{};
    Vma all;
    uint64_t vsize = 0;
    for (const Vma& x : vmas) {
      maps += mapsLine(x);
      std::ostringstream s;
      s << mapsLine(x);
      std::string l = "Size:";
      s << l << std::string(16 - l.size(), ' ') << padded(x.size_kib, 8) << " kB\n";
      s << "KernelPageSize:  " << padded(pk, 8) << " kB\n"
        << "MMUPageSize:     " << padded(pk, 8) << " kB\n";
      smapsFields(s, x, h.era, false);
      if (newProcFiles(h.era)) s << "THPeligible:    " << padded(x.thp_kib ? 1 : 0, 8) << "\n";
      s << "VmFlags: rd " << (x.perms[1] == 'w' ? "wr " : "") << (x.perms[2] == 'x' ? "ex " : "")
        << "mr mw me " << (x.perms[1] == 'w' ? "ac " : "") << (x.locked_kib ? "lo " : "")
        << (x.thp_kib ? "hg " : "") << "\n";
      smaps += s.str();
      all.anon_kib += x.anon_kib;
      all.file_kib += x.file_kib;
      all.shmem_kib += x.shmem_kib;
      all.thp_kib += x.thp_kib;
      all.locked_kib += x.locked_kib;
      vsize += x.size_kib;
    }
    writeText(d / "maps", maps);
    writeText(d / "smaps", smaps);
    std::ostringstream r;
    r << hexAddr(vmas.front().start) << '-'
      << hexAddr(vmas.back().start + vmas.back().size_kib * 1024)
      << " ---p 00000000 00:00 0                          [rollup]\n";
    smapsFields(r, all, h.era, true);
    writeText(d / "smaps_rollup", r.str());

    const uint64_t rss = all.rss();
    std::ostringstream st;
    auto kb = [&](const char* k, uint64_t v) {
      std::string l = std::string(k) + ":\t";
      st << l << padded(v, 8) << " kB\n";
    };
    st << "Name:\t" << p.comm << "\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t" << p.pid
       << "\nNgid:\t0\nPid:\t" << p.pid << "\nPPid:\t" << p.ppid << "\nTracerPid:\t0\n"
       << "Uid:\t" << p.uid << "\t" << p.uid << "\t" << p.uid << "\t" << p.uid << "\n"
       << "Gid:\t" << p.uid << "\t" << p.uid << "\t" << p.uid << "\t" << p.uid << "\n"
       << "FDSize:\t64\nGroups:\t\nNStgid:\t" << p.pid << "\nNSpid:\t" << p.pid << "\nNSpgid:\t"
       << p.pid << "\nNSsid:\t" << p.pid << "\n";
    kb("VmPeak", vsize);
    kb("VmSize", vsize);
    kb("VmLck", all.locked_kib);
    kb("VmPin", p.pinned * pk);
    kb("VmHWM", rss);
    kb("VmRSS", rss);
    kb("RssAnon", all.anon_kib);
    kb("RssFile", all.file_kib);
    kb("RssShmem", all.shmem_kib);
    kb("VmData", all.anon_kib + p.virt_extra_kib);
    kb("VmStk", 2 * pk + pk);
    kb("VmExe", vmas.front().size_kib);
    kb("VmLib", vmas[vmas.size() - 2].size_kib);
    kb("VmPTE", p.pte_kib);
    kb("VmSwap", 0);
    kb("HugetlbPages", 0);
    st << "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t" << p.threads
       << "\nSigQ:\t0/1030000\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
       << "Cpus_allowed_list:\t0-63\nMems_allowed_list:\t0-" << L.nodes.size() - 1
       << "\nvoluntary_ctxt_switches:\t1200\nnonvoluntary_ctxt_switches:\t31\n";
    writeText(d / "status", st.str());
    // fs/proc/array.c proc_pid_statm(): size resident shared text lib data 0, in pages.
    std::ostringstream sm;
    sm << vsize / pk << ' ' << rss / pk << ' ' << (all.file_kib + all.shmem_kib) / pk << ' '
       << vmas.front().size_kib / pk << " 0 " << (all.anon_kib + p.virt_extra_kib) / pk << " 0\n";
    writeText(d / "statm", sm.str());
    std::string cmd{};
    for (const std::string& a : p.argv)
      cmd += a + std::string(1, '\0');
    writeText(d / "cmdline", cmd);
    writeText(d / "comm", p.comm + "\n");
    // Descriptors: links whose targets the kernel makes (fs/proc/fd.c), never followed.
    fs::create_directories(d / "fd");
    for (size_t fd = 0; fd < 3 + p.fds.size(); ++fd)
      fs::create_symlink(fd < 3 ? std::string("/dev/null") : p.fds[fd - 3],
                         d / "fd" / std::to_string(fd));
    writeText(d / "oom_score_adj", std::to_string(p.oom_score_adj) + "\n");
    writeText(d / "cgroup", h.cgroup_version == 1
                                ? "11:memory:" + p.cgroup + "\n4:cpu,cpuacct:" + p.cgroup +
                                      "\n1:name=systemd:" + p.cgroup + "\n"
                                : "0::" + p.cgroup + "\n");
    writeText(d / "stat", std::to_string(p.pid) + " (" + p.comm + ") S " + std::to_string(p.ppid) +
                              " " + std::to_string(p.pid) + " " + std::to_string(p.pid) +
                              " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 " + std::to_string(p.threads) +
                              " 0 100 " + std::to_string(vsize * 1024) + " " +
                              std::to_string(rss / pk) + "\n");
  }
}

}  // namespace memsift::testgen
