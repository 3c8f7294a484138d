// The scenario cases of issue 6 on small x86_64 hosts (6.x kernel, 4 KiB pages, 8 GiB; the
// ppc64le one is in case_ppc64le.cc): each one pattern support engineers meet, on top of a
// healthy mix, with the finding it must produce. testdata/README.md tells the story of each.
#include <array>
#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/flag_letters.h"
#include "testdata/gen/host_case.h"
#include "testdata/gen/x86_host.h"

namespace memsift::testgen {

std::map<std::string, uint64_t> healthyEvents();  // case_synthetic.cc

namespace {

using kpf::bit;
using namespace letters;

constexpr std::array<const char*, 12> kScenarios = {
    "healthy-x86",    "pinned-anon-v2",    "slab-leak",         "zombie-memcg",
    "hugetlb-unused", "tmpfs-unmapped",    "stacks-pagetables", "no-root",
    "ppc64le-mthp",   "s390x-pinned-anon", "arm64-16k-thp",     "many-cgroups"};

// A finding for a category's frames, as the analyzer reports it.
void categoryFinding(HostCase& c, const std::string& id, Cat cat, const std::string& summary) {
  auto& f = c.expect().findingFromCategory(id, "warning", cat, c.host(), *c.frames());
  f["summary"] = summary;
}

void healthy(HostCase& c) {
  c.healthyProfile(1.0);
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
}

void pinnedAnon(HostCase& c) {
  // A process registered 1.5 GiB of anonymous memory with a driver (RDMA memory region,
  // vfio, io_uring fixed buffers: FOLL_PIN), then unmapped it. The pin keeps the pages: still
  // anonymous and on the LRU, no mapping, kpagecount 0 (../shared/seed/README.md, 4 KiB case).
  c.healthyProfile(0.6);
  const size_t p = c.proc({.pid = 5120,
                           .ppid = 1,
                           .comm = "ib-worker",
                           .argv = {"/opt/fabric/bin/ib-worker", "--mr-cache=on"},
                           .cgroup = "/system.slice/ib-worker.service",
                           .threads = 8,
                           .fds = {"/dev/infiniband/uverbs0", "anon_inode:[infinibandevent]",
                                   "socket:[48211]"}});
  c.procShare(p, ProcField::kAnon,
              {.name = "anon ib-worker",
               .cat = Cat::kAnonMapped,
               .flags = U | D | l | A | M | a | b | x,
               .count = 1,
               .acct = kAcctAnon},
              0.005);
  const uint64_t pages = c.leak(393216);  // 1.5 GiB
  // The registration is still there (ibv_reg_mr pins with FOLL_LONGTERM into pinned_vm): the
  // worker's VmPin and the kernel's FOLL_PIN count cover the unmapped pages.
  c.host().procs[p].pinned = pages;
  c.host().foll_pins = pages;
  c.exact({.name = "pinned anon",
           .cat = Cat::kAnonUnmapped,
           .flags = U | D | l | A | a | b | x,
           .vary = R,
           .count = 0,
           .cgroup = c.inode("/system.slice/ib-worker.service"),
           .max_run = 512},
          {pages});
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  categoryFinding(c, "unmapped-anon", Cat::kAnonUnmapped,
                  std::to_string(pages / 256) + " MiB of anonymous pages on the LRU that no "
                  "process maps");
}

void slabLeak(HostCase& c) {
  // A driver leaks kmalloc-256 objects: SUnreclaim grows to 3 GiB (order-1 slabs).
  c.healthyProfile(0.6);
  const uint64_t pages = 786432;  // 3 GiB
  c.exact({.name = "leaking slab",
           .cat = Cat::kSlab,
           .order = 1,
           .flags = bit(kpf::kSlab),
           .acct = kAcctSlabU,
           .max_run = 256},
          {pages});
  c.write(true, healthyEvents());
  c.slabinfo("kmalloc-256", pages);
  c.expect().finding({{"id", "slab-unreclaimable"},
                      {"severity", "warning"},
                      {"summary", "3 GiB of unreclaimable slab, most in kmalloc-256"},
                      {"bytes", c.host().total.slab_unreclaimable * 4096},
                      {"leak_bytes", pages * 4096},
                      {"cache", "kmalloc-256"}});
}

void zombieMemcg(HostCase& c) {
  // A batch job's cgroup was removed while its page cache and a tmpfs file it left behind were
  // still charged to it. The memcg lives on offline (a "dying descendant"); kpagecgroup reports
  // the nearest online ancestor (mm/memcontrol.c page_cgroup_ino()): /system.slice, which in
  // cgroup v2 has no tasks of its own.
  c.healthyProfile(0.6);
  const std::string dead = "/system.slice/batch-report.service";
  const uint64_t dead_inode = c.cgroup(dead).inode;
  fs::remove_all(c.host().cgroupRoot() / dead.substr(1));
  auto& cgs = c.host().cgroups;
  std::erase_if(cgs, [&](const Cgroup& g) { return g.path == dead; });
  const uint64_t parent = c.inode("/system.slice");
  const uint64_t file_pages = 655360, shmem_pages = 131072;  // 2.5 GiB + 0.5 GiB
  c.exact({.name = "zombie page cache",
           .cat = Cat::kFileUnmapped,
           .flags = U | l,
           .vary = A,
           .cgroup = parent,
           .acct = kAcctFile,
           .max_run = 512},
          {file_pages});
  c.exact({.name = "zombie tmpfs",
           .cat = Cat::kShmemUnmapped,
           .flags = U | D | l | b,
           .cgroup = parent,
           .acct = kAcctFile | kAcctShmem,
           .max_run = 512},
          {shmem_pages});
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  writeText(c.host().cgroupRoot() / "system.slice/cgroup.stat",
            "nr_descendants 6\nnr_dying_descendants 1\n");
  c.expect().finding({{"id", "zombie-memcg"},
                      {"severity", "warning"},
                      {"summary", "3 GiB charged to /system.slice by a removed cgroup"},
                      {"cgroup", "/system.slice"},
                      {"inode", parent},
                      {"removed_cgroup", dead},
                      {"removed_inode", dead_inode},
                      {"bytes", (file_pages + shmem_pages) * 4096},
                      {"file_bytes", file_pages * 4096},
                      {"shmem_bytes", shmem_pages * 4096}});
}

void hugetlbUnused(HostCase& c) {
  // vm.nr_hugepages=1536 for a database that was moved elsewhere: 3 GiB of 2 MiB pages, free.
  c.healthyProfile(0.5);
  const uint64_t pages = 1536 * kPmdPages4k;
  c.exact({.name = "free hugetlb",
           .cat = Cat::kHugetlbUnmapped,
           .order = 9,
           .flags = bit(kpf::kHuge),
           .acct = kAcctHugetlb | kAcctHugetlbFree,
           .max_run = 8},
          {pages});
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  auto& f = c.expect().findingFromCategory("hugetlb-unused", "warning", Cat::kHugetlbUnmapped,
                                           c.host(), *c.frames());
  f["summary"] = "1536 huge pages of 2 MiB reserved and unused";
  f["hugepages"] = 1536;
  f["hugepage_bytes"] = 2097152;
}

void tmpfsUnmapped(HostCase& c) {
  // An ETL job writes 2.5 GiB of intermediate files to /dev/shm and never deletes them.
  c.healthyProfile(0.5);
  c.proc({.pid = 6001,
          .ppid = 1,
          .comm = "etl-runner",
          .argv = {"/usr/bin/python3", "etl.py"},
          .cgroup = "/system.slice/etl.service",
          .anon = 0});
  const uint64_t pages = 655360;
  c.exact({.name = "tmpfs",
           .cat = Cat::kShmemUnmapped,
           .flags = U | D | l | b,
           .vary = A,
           .cgroup = c.inode("/system.slice/etl.service"),
           .acct = kAcctFile | kAcctShmem,
           .max_run = 1024},
          {pages});
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  categoryFinding(c, "shmem-unmapped", Cat::kShmemUnmapped,
                  "2.5 GiB of shmem/tmpfs that no process maps");
}

void stacksPagetables(HostCase& c) {
  // A thread leak: 100,000 threads of one Java process. Each has a 16 KiB vmalloc'ed kernel
  // stack (THREAD_SIZE on x86_64, VMAP_STACK: frames without flags, charged to the memcg) and
  // its own mapped stack, so page tables explode too.
  c.healthyProfile(0.4);
  const size_t p = c.proc({.pid = 7777,
                           .ppid = 1,
                           .comm = "java",
                           .argv = {"/usr/bin/java", "-Xss1m", "-jar", "/opt/leaky/leaky.jar"},
                           .cgroup = "/system.slice/leaky.service",
                           .threads = 100000});
  const uint64_t cg = c.inode("/system.slice/leaky.service");
  c.procShare(p, ProcField::kAnon,
              {.name = "anon leaky",
               .cat = Cat::kAnonMapped,
               .flags = U | D | l | A | M | a | b | x,
               .count = 1,
               .acct = kAcctAnon},
              0.02);
  const uint64_t stacks = 100000 * 4, tables = 393216;  // 1.6 GB of stacks, 1.5 GiB of tables
  c.exact({.name = "thread stacks",
           .cat = Cat::kUnflagged,
           .cgroup = cg,
           .acct = kAcctKstack,
           .max_run = 4},
          {stacks});
  c.exact({.name = "page tables leaky",
           .cat = Cat::kPageTable,
           .flags = bit(kpf::kPgtable),
           .cgroup = cg,
           .acct = kAcctPgtable,
           .max_run = 64},
          {tables});
  c.host().procs[p].pte_kib = tables * 4;
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  c.expect().finding({{"id", "kernel-stacks"},
                      {"severity", "warning"},
                      {"summary", "1.6 GB of kernel stacks: 100,000 threads"},
                      {"bytes", c.host().total.kernel_stack * 4096},
                      {"threads", 100000},
                      {"process", {{"pid", 7777}, {"comm", "java"}}}});
  c.expect().finding({{"id", "page-tables"},
                      {"severity", "warning"},
                      {"summary", "page tables take 1.5 GiB"},
                      {"bytes", c.host().total.page_tables * 4096}});
}

void noRoot(HostCase& c) {
  // The pinned-anon host collected without root: no page-frame tables. The counters still
  // show anonymous memory on the LRU that neither AnonPages nor Shmem explain.
  c.healthyProfile(0.6);
  const uint64_t pages = 262144;  // 1 GiB
  c.exact({.name = "pinned anon",
           .cat = Cat::kAnonUnmapped,
           .flags = U | D | l | A | a | b | x,
           .cgroup = c.inode("/"),
           .max_run = 512},
          {pages});
  c.write(false, healthyEvents());
  c.slabinfo("", 0);
  const Counters& t = c.host().total;
  const uint64_t lru_anon = t.active_anon + t.inactive_anon;
  c.expect().json()["signals"] = {
      {"anon_lru_bytes", lru_anon * 4096},
      {"anon_pages_plus_shmem_bytes", (t.anon + t.shmem) * 4096},
      {"anon_lru_unexplained_bytes", (lru_anon - t.anon - t.shmem) * 4096},
      {"cannot_conclude", {"unmapped-anon-thp", "unmapped-anon"}}};
  // Without page tables the counters' gap is the finding itself.
  const uint64_t gap = (lru_anon - t.anon - t.shmem) * 4096;
  c.expect().json()["findings"].push_back({{"id", "unmapped-anon-counters"},
                                           {"severity", "warning"},
                                           {"bytes", gap},
                                           {"pages", gap / 4096}});
}

}  // namespace

bool isScenario(const std::string& name) {
  for (const char* s : kScenarios)
    if (name == s) return true;
  return false;
}

void caseScenario(const std::string& name, const Options& o) {
  if (name == "ppc64le-mthp") {
    casePpc64leMthp(o);
    return;
  }
  if (name == "s390x-pinned-anon") {
    caseS390xPinnedAnon(o);
    return;
  }
  if (name == "arm64-16k-thp") {
    caseArm64k16Thp(o);
    return;
  }
  if (name == "many-cgroups") {
    caseManyCgroups(o);
    return;
  }
  HostCase c(o, x86Platform(), name, 8, 1, 2);
  c.host().facts.hostname = name;
  if (name == "healthy-x86") {
    healthy(c);
  } else if (name == "pinned-anon-v2") {
    pinnedAnon(c);
  } else if (name == "slab-leak") {
    slabLeak(c);
  } else if (name == "zombie-memcg") {
    zombieMemcg(c);
  } else if (name == "hugetlb-unused") {
    hugetlbUnused(c);
  } else if (name == "tmpfs-unmapped") {
    tmpfsUnmapped(c);
  } else if (name == "stacks-pagetables") {
    stacksPagetables(c);
  } else if (name == "no-root") {
    noRoot(c);
  } else {
    throw std::logic_error("no scenario " + name);
  }
  c.finish();
}

}  // namespace memsift::testgen
