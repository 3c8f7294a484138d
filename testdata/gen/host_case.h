// A case on a generated host: the generic steps (cgroups, processes, kinds of pages with their
// shares of memory, the frame layout, every text file, the expectations) with hooks for what
// each case adds, over a platform (x86_64 or ppc64le) that says how physical memory is laid out.
// Used by `synthetic` and the scenario cases.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "testdata/gen/cases.h"
#include "testdata/gen/expect.h"
#include "testdata/gen/placer.h"

namespace memsift::testgen {

enum class ProcField { kAnon, kAnonThp, kFile, kShmem, kPgtable };

// What differs between the architectures a case runs on.
struct Platform {
  // Sets host.layout (pmd_pages included), era and facts for `gib` GiB over `nodes` nodes.
  void (*layout)(Host& h, uint64_t gib, int nodes, const std::string& release);
  // The ranges each node's streams fill (all PMD-aligned), in PFN order.
  std::vector<Range> (*segments)(const Host& h, int node);
  // Writes every frame: the fixed areas (reserved memory, memmap, holes) and, per node, its
  // quotas streamed over its segments; `free` fills what is left.
  void (*lay)(Host& h, Emitter& e, const std::vector<std::vector<Quota>>& node_quotas,
              const Kind* free);
  // Free pages `lay` writes on node 0 outside the segments (x86_64: ZONE_DMA above 1 MiB).
  uint64_t fixed_free_pages = 0;
};
const Platform& x86Platform();       // x86_host.cc
const Platform& ppc64Platform();     // ppc64_host.cc
const Platform& s390xPlatform();     // linear_host.cc: big-endian tables
const Platform& arm64k16Platform();  // linear_host.cc: 16 KiB pages

class HostCase {
 public:
  HostCase(const Options& o, const Platform& platform, std::string name, uint64_t gib, int nodes,
           int cgroup_version);

  Host& host() { return h_; }
  Rng& rng() { return rng_; }
  uint64_t inode(const std::string& cgroup) { return h_.inode(cgroup); }
  Cgroup& cgroup(const std::string& path) { return h_.addCgroup(path); }
  // A process; its cgroup is created if needed. Returns its index.
  size_t proc(Proc p);
  // A kind of page taking `fraction` of each node's free-able capacity (rounded to folios).
  Kind& share(Kind k, double fraction);
  // A kind of page with exact page counts per node.
  Kind& exact(Kind k, std::vector<uint64_t> node_pages);
  // A leak's size in pages at --leak-percent, whole folios of `folio_pages`.
  uint64_t leak(uint64_t pages, uint64_t folio_pages = 1) const {
    return pages * o_.leak_percent / 100 / folio_pages * folio_pages;
  }
  // Like share(), for pages a process maps: they add up in its smaps and status.
  Kind& procShare(size_t proc, ProcField field, Kind k, double fraction);
  // The standard mix of a healthy server (services, page cache, slab, page tables, PMD THPs of
  // postgres and java), scaled.
  void healthyProfile(double scale);

  // Writes the frames and every file. `tables` false: the page-frame tables are not written
  // (what an unprivileged collector sees).
  void write(bool tables, const std::map<std::string, uint64_t>& vmstat_events);
  Expectations& expect() { return x_; }
  FrameTables* frames() { return tables_.get(); }
  void finish();  // writes the expectations
  // /proc/slabinfo whose caches add up to the slab pages; `leak_pages` of them (order-1 slabs)
  // in `leak_cache`.
  void slabinfo(const std::string& leak_cache, uint64_t leak_pages);
  void setHugetlbReserved(uint64_t pages) { hugetlb_resv_ = pages; }

 private:
  std::vector<uint64_t> capacity() const;  // per node: pages the streams fill

  Options o_;
  const Platform& platform_;
  Host h_;
  Rng rng_;
  std::deque<Kind> kinds_;
  struct Entry {
    Kind* kind;
    double fraction;
    std::vector<uint64_t> exact;
    long proc;
    ProcField field;
  };
  std::vector<Entry> entries_;
  Kind free_;
  std::unique_ptr<FrameTables> tables_;
  Expectations x_;
  uint64_t hugetlb_resv_ = 0;
};

}  // namespace memsift::testgen
