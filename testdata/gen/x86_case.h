// A case on an x86_64 host: the generic steps (cgroups, processes, kinds of pages with their
// shares of memory, the frame layout, every text file, the expectations) with hooks for what
// each case adds. Used by `synthetic` and the scenario cases.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "testdata/gen/cases.h"
#include "testdata/gen/expect.h"
#include "testdata/gen/x86_host.h"

namespace memsift::testgen {

enum class ProcField { kAnon, kAnonThp, kFile, kShmem, kPgtable };

class X86Case {
 public:
  X86Case(const Options& o, std::string name, uint64_t gib, int nodes, int cgroup_version);

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
  // Like share(), for pages a process maps: they add up in its smaps and status.
  Kind& procShare(size_t proc, ProcField field, Kind k, double fraction);
  // The standard mix of a healthy server (services, page cache, slab, page tables), scaled.
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
