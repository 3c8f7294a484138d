// `synthetic`: a large healthy x86_64 host of N GiB on a 6.x kernel, for benches and peak-RSS
// tests: free runs, page cache (large folios too), mapped anonymous memory and PMD THPs,
// shmem, slab, page tables, unflagged kernel memory, reserved areas and the PCI hole.
#include "testdata/gen/host_case.h"

namespace memsift::testgen {

std::map<std::string, uint64_t> healthyEvents() {
  return {{"pgpgin", 81234567},
          {"pgpgout", 45678901},
          {"pswpin", 0},
          {"pswpout", 0},
          {"pgalloc_normal", 9876543210ULL},
          {"pgfree", 9886543210ULL},
          {"pgactivate", 1234567},
          {"pgfault", 3456789012ULL},
          {"pgmajfault", 45678},
          {"oom_kill", 0},
          {"compact_stall", 3},
          {"compact_fail", 0},
          {"compact_success", 3},
          {"thp_fault_alloc", 120345},
          {"thp_fault_fallback", 12},
          {"thp_split_page", 40},
          {"thp_split_page_failed", 0},
          {"numa_hit", 987654321},
          {"numa_miss", 0},
          {"numa_foreign", 0}};
}

void caseSynthetic(const Options& o) {
  const int nodes = o.size_gib >= 64 ? 2 : 1;
  HostCase c(o, x86Platform(), "synthetic", o.size_gib, nodes, 2);
  c.healthyProfile(1.0);
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  c.finish();
}

}  // namespace memsift::testgen
