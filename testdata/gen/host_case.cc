// The generic steps of a case on a generated host (see host_case.h).
#include "testdata/gen/host_case.h"

#include <bit>
#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/flag_letters.h"

namespace memsift::testgen {

using kpf::bit;

using namespace letters;

HostCase::HostCase(const Options& o, const Platform& platform, std::string name, uint64_t gib,
                   int nodes, int cgroup_version)
    : o_(o), platform_(platform), rng_(o.seed), x_(std::move(name), o.seed) {
  h_.root = o.dir;
  h_.cgroup_version = cgroup_version;
  platform_.layout(
      h_, gib, nodes, o.kernel.find('.') == std::string::npos ? o.kernel : [&] {
        // "6.18" -> "6.18.0-memsift"; a full release string is kept.
        return o.kernel.find('-') == std::string::npos ? o.kernel + ".0-memsift" : o.kernel;
      }());
  h_.facts.hostname = "synthetic-" + std::to_string(gib) + "g";
  h_.facts.uptime += static_cast<double>(o.uptime_add);
  free_ = {.name = "free",
           .cat = Cat::kFree,
           .flags = bit(kpf::kBuddy),
           .acct = kAcctFree,
           .free = true};
  h_.addCgroup("/");
}

size_t HostCase::proc(Proc p) {
  h_.addCgroup(p.cgroup).pids.push_back(p.pid);
  h_.procs.push_back(std::move(p));
  return h_.procs.size() - 1;
}

Kind& HostCase::share(Kind k, double fraction) {
  kinds_.push_back(std::move(k));
  entries_.push_back({&kinds_.back(), fraction, {}, -1, ProcField::kAnon});
  return kinds_.back();
}

Kind& HostCase::exact(Kind k, std::vector<uint64_t> node_pages) {
  kinds_.push_back(std::move(k));
  entries_.push_back({&kinds_.back(), 0, std::move(node_pages), -1, ProcField::kAnon});
  return kinds_.back();
}

Kind& HostCase::procShare(size_t proc, ProcField field, Kind k, double fraction) {
  k.cgroup = h_.inode(h_.procs[proc].cgroup);
  kinds_.push_back(std::move(k));
  entries_.push_back({&kinds_.back(), fraction, {}, static_cast<long>(proc), field});
  return kinds_.back();
}

void HostCase::healthyProfile(double s) {
  cgroup("/init.scope");
  cgroup("/system.slice");
  cgroup("/user.slice/user-1000.slice");
  const size_t sysd = proc({.pid = 1,
                            .comm = "systemd",
                            .argv = {"/usr/lib/systemd/systemd", "--system", "--deserialize=42"},
                            .cgroup = "/init.scope",
                            .pte_kib = 0});
  const size_t jrnl = proc({.pid = 611,
                            .ppid = 1,
                            .comm = "systemd-journal",
                            .argv = {"/usr/lib/systemd/systemd-journald"},
                            .cgroup = "/system.slice/systemd-journald.service"});
  const size_t pg = proc({.pid = 2310,
                          .ppid = 1,
                          .comm = "postgres",
                          .argv = {"/usr/bin/postgres", "-D", "/var/lib/pgsql/data"},
                          .cgroup = "/system.slice/postgresql.service",
                          .uid = 26,
                          .threads = 1});
  const size_t java = proc({.pid = 3120,
                            .ppid = 1,
                            .comm = "java",
                            .argv = {"/usr/bin/java", "-Xmx64g", "-XX:+UseTransparentHugePages",
                                     "-jar", "/opt/app/app.jar"},
                            .cgroup = "/system.slice/app.service",
                            .uid = 990,
                            .threads = 212});
  const size_t ngx = proc({.pid = 1877,
                           .ppid = 1,
                           .comm = "nginx",
                           .argv = {"nginx: worker process"},
                           .cgroup = "/system.slice/nginx.service",
                           .uid = 991});
  const size_t ssh = proc({.pid = 4410,
                           .ppid = 1,
                           .comm = "sshd",
                           .argv = {"sshd: admin [priv]"},
                           .cgroup = "/user.slice/user-1000.slice/session-3.scope"});
  auto anon = [&](size_t p, double f) {
    procShare(p, ProcField::kAnon,
              {.name = "anon " + h_.procs[p].comm,
               .cat = Cat::kAnonMapped,
               .flags = U | D | l | M | a | b | x,
               .vary = R | A,
               .count = 1,
               .acct = kAcctAnon,
               .max_run = 128},
              f * s);
  };
  auto thp = [&](size_t p, double f) {
    procShare(p, ProcField::kAnonThp,
              {.name = "thp " + h_.procs[p].comm,
               .cat = Cat::kAnonThpMapped,
               .order = static_cast<unsigned>(std::countr_zero(h_.layout.pmd_pages)),
               .flags = U | D | l | A | M | a | b | t | x,
               .vary = R,
               .count = 1,
               .acct = kAcctAnon | kAcctAnonThp,
               .max_run = 4},
              f * s);
  };
  auto file = [&](size_t p, double f) {
    procShare(p, ProcField::kFile,
              {.name = "file " + h_.procs[p].comm,
               .cat = Cat::kFileMapped,
               .flags = U | l | M,
               .vary = R | A,
               .count = 1,
               .acct = kAcctFile | kAcctMapped},
              f * s);
  };
  auto pgt = [&](size_t p, double f) {
    // 6.x charges page tables to the task's memcg (__GFP_ACCOUNT, kmem).
    procShare(p, ProcField::kPgtable,
              {.name = "page tables " + h_.procs[p].comm,
               .cat = Cat::kPageTable,
               .flags = bit(kpf::kPgtable),
               .acct = kAcctPgtable,
               .max_run = 8},
              f * s);
  };
  anon(sysd, 0.0002);
  file(sysd, 0.0005);
  anon(jrnl, 0.0005);
  file(jrnl, 0.001);
  anon(pg, 0.06);
  thp(pg, 0.10);
  file(pg, 0.01);
  pgt(pg, 0.0015);
  procShare(pg, ProcField::kShmem,
            {.name = "shmem postgres",
             .cat = Cat::kShmemMapped,
             .flags = U | D | l | M | b,
             .vary = R | A,
             .count = 1,
             .acct = kAcctFile | kAcctShmem | kAcctMapped},
            0.08 * s);
  anon(java, 0.04);
  thp(java, 0.12);
  file(java, 0.005);
  pgt(java, 0.001);
  anon(ngx, 0.005);
  file(ngx, 0.002);
  anon(ssh, 0.0001);
  file(ssh, 0.0002);
  const uint64_t root = inode("/");
  const uint64_t pgcg = inode("/system.slice/postgresql.service");
  share({.name = "page cache",
         .cat = Cat::kFileUnmapped,
         .flags = U | l,
         .vary = R | A,
         .cgroup = root,
         .acct = kAcctFile,
         .max_run = 256},
        0.05 * s);
  share({.name = "page cache postgres",
         .cat = Cat::kFileUnmapped,
         .flags = U | l,
         .vary = R | A,
         .cgroup = pgcg,
         .acct = kAcctFile,
         .max_run = 256},
        0.12 * s);
  share({.name = "page cache journal",
         .cat = Cat::kFileUnmapped,
         .flags = U | l,
         .vary = A,
         .cgroup = inode("/system.slice/systemd-journald.service"),
         .acct = kAcctFile},
        0.03 * s);
  share({.name = "dirty page cache",
         .cat = Cat::kFileUnmapped,
         .flags = U | D | l,
         .vary = A,
         .cgroup = pgcg,
         .acct = kAcctFile,
         .max_run = 16},
        0.002 * s);
  // 6.x page-cache large folios: KPF_THP on any large folio (kernel-facts.md).
  share({.name = "page cache folios order 2",
         .cat = Cat::kFileUnmapped,
         .order = 2,
         .flags = U | l | t,
         .vary = R | A,
         .cgroup = pgcg,
         .acct = kAcctFile,
         .max_run = 8},
        0.02 * s);
  share({.name = "page cache folios order 4",
         .cat = Cat::kFileUnmapped,
         .order = 4,
         .flags = U | l | t,
         .vary = R | A,
         .cgroup = pgcg,
         .acct = kAcctFile,
         .max_run = 8},
        0.03 * s);
  const uint64_t S = bit(kpf::kSlab);
  share({.name = "slab reclaimable", .cat = Cat::kSlab, .flags = S, .acct = kAcctSlabR}, 0.02 * s);
  share({.name = "slab unreclaimable", .cat = Cat::kSlab, .flags = S, .acct = kAcctSlabU},
        0.01 * s);
  share({.name = "slab order 1",
         .cat = Cat::kSlab,
         .order = 1,
         .flags = S,
         .acct = kAcctSlabU,
         .max_run = 8},
        0.005 * s);
  share({.name = "slab order 3",
         .cat = Cat::kSlab,
         .order = 3,
         .flags = S,
         .acct = kAcctSlabU,
         .max_run = 8},
        0.005 * s);
  share({.name = "kernel stacks", .cat = Cat::kUnflagged, .acct = kAcctKstack, .max_run = 4},
        0.001 * s);
  share({.name = "vmalloc", .cat = Cat::kUnflagged, .acct = kAcctVmalloc, .max_run = 64},
        0.005 * s);
  share({.name = "percpu", .cat = Cat::kUnflagged, .acct = kAcctPercpu, .max_run = 32}, 0.001 * s);
}

std::vector<uint64_t> HostCase::capacity() const {
  std::vector<uint64_t> c;
  for (const Node& n : h_.layout.nodes) {
    uint64_t t = 0;
    for (const Range& r : platform_.segments(h_, n.id))
      t += r.pages;
    c.push_back(t);
  }
  return c;
}

void HostCase::write(bool with_tables, const std::map<std::string, uint64_t>& events) {
  const std::vector<uint64_t> cap = capacity();
  const size_t nn = cap.size();
  std::vector<std::vector<Quota>> quotas(nn);
  for (Entry& e : entries_) {
    for (size_t n = 0; n < nn; ++n) {
      uint64_t pages = e.exact.empty()
                           ? static_cast<uint64_t>(e.fraction * static_cast<double>(cap[n]))
                           : (n < e.exact.size() ? e.exact[n] : 0);
      pages -= pages % e.kind->pages();
      quotas[n].push_back({e.kind, pages});
      if (e.proc >= 0) {
        Proc& p = h_.procs[static_cast<size_t>(e.proc)];
        switch (e.field) {
          case ProcField::kAnon:
            p.anon += pages;
            break;
          case ProcField::kAnonThp:
            p.anon_thp += pages;
            break;
          case ProcField::kFile:
            p.file += pages;
            break;
          case ProcField::kShmem:
            p.shmem += pages;
            break;
          case ProcField::kPgtable:
            p.pte_kib += h_.layout.kib(pages);
            break;
        }
      }
    }
  }
  if (with_tables) {
    tables_ = std::make_unique<FrameTables>(
        o_.dir / "proc", h_.era, static_cast<int>(nn), &Layout::nodeOfThunk, &h_.layout, o_.sparse,
        true, h_.layout.big_endian ? std::endian::big : std::endian::little);
    Emitter e(h_, *tables_, rng_);
    platform_.lay(h_, e, quotas, &free_);
    tables_->finish();
  } else {
    // Without the tables the counters still have to be right: charge the quotas directly.
    for (size_t n = 0; n < nn; ++n) {
      const uint64_t pfn = platform_.segments(h_, static_cast<int>(n)).front().start;
      uint64_t used = 0;
      for (const Quota& q : quotas[n]) {
        h_.charge(q.kind->acct, q.kind->flags, q.pages, pfn, q.kind->cgroup);
        used += q.pages;
      }
      h_.charge(free_.acct, free_.flags, cap[n] - used + (n == 0 ? platform_.fixed_free_pages : 0),
                pfn, 0);
      h_.freeRun(pfn, cap[n] - used, static_cast<int>(n));
    }
  }
  writeHostFacts(h_);
  writeMountinfo(h_);
  writeMeminfo(h_);
  writeVmstat(h_, events);
  writeZoneinfo(h_);
  writeBuddyinfo(h_);
  writeNodes(h_);
  writeMemoryBlocks(h_);
  writeCgroupFiles(h_);
  writeProcesses(h_);
  writeThpSettings(h_, "always [madvise] never");
  // hugetlb: 1 GiB pages (none) and PMD-size ones, the default (x86_64, ppc64 radix).
  const uint64_t pmd = h_.layout.pmd_pages;
  writeHugepages(h_, 1048576, 0, 0, 0);
  writeHugepages(h_, h_.layout.kib(pmd), h_.total.hugetlb_total / pmd, h_.total.hugetlb_free / pmd,
                 hugetlb_resv_);
  x_.describe(h_, tables_.get());
}

void HostCase::slabinfo(const std::string& leak_cache, uint64_t leak_pages) {
  // mm/slab_common.c slabinfo_show(): version 2.1. The caches' slabs add up to the slab pages.
  const uint64_t slab = h_.total.slab_reclaimable + h_.total.slab_unreclaimable - leak_pages;
  struct C {
    const char* name;
    uint64_t objsize, per_slab, pages_per_slab;
    double share;
  };
  const C caches[] = {{"dentry", 192, 21, 1, 0.30},     {"inode_cache", 600, 26, 4, 0.15},
                      {"xfs_inode", 960, 34, 8, 0.15},  {"kmalloc-512", 512, 32, 4, 0.10},
                      {"kmalloc-64", 64, 64, 1, 0.10},  {"radix_tree_node", 576, 28, 4, 0.10},
                      {"buffer_head", 104, 39, 1, 0.10}};
  std::string out =
      "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> "
      "<objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata "
      "<active_slabs> <num_slabs> <sharedavail>\n";
  uint64_t left = slab;
  auto line = [&](const std::string& name, uint64_t objsize, uint64_t per, uint64_t pps,
                  uint64_t slabs) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%-17s %6llu %6llu %4llu %4llu %4llu : tunables    0    0    0 : slabdata "
                  "%6llu %6llu      0\n",
                  name.c_str(), static_cast<unsigned long long>(slabs * per),
                  static_cast<unsigned long long>(slabs * per),
                  static_cast<unsigned long long>(objsize), static_cast<unsigned long long>(per),
                  static_cast<unsigned long long>(pps), static_cast<unsigned long long>(slabs),
                  static_cast<unsigned long long>(slabs));
    out += buf;
  };
  for (size_t i = 0; i < std::size(caches); ++i) {
    const C& c = caches[i];
    uint64_t pages = i + 1 == std::size(caches)
                         ? left
                         : static_cast<uint64_t>(static_cast<double>(slab) * c.share);
    pages = std::min(pages, left);
    const uint64_t slabs = pages / c.pages_per_slab;
    line(c.name, c.objsize, c.per_slab, c.pages_per_slab, slabs);
    left -= slabs * c.pages_per_slab;
  }
  if (left > 0) line("kmalloc-8", 8, 512, 1, left);
  if (leak_pages > 0) line(leak_cache, 256, 32, 2, leak_pages / 2);
  writeText(h_.root / "proc/slabinfo", out);
}

void HostCase::finish() {
  x_.write(o_.expect);
}

}  // namespace memsift::testgen
