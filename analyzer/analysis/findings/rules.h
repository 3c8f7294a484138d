// The finding rules, one function each: a rule reads the bundle (and the report built so far)
// and appends the findings it concludes to the context. rules.cc runs them in order.
#pragma once

#include "analyzer/analysis/findings/context.h"

namespace memsift::analysis::findings {

// Anonymous memory (anon_memory.cc): what the LRU holds and no process maps.
void unmappedAnonThp(Context& c);
void unmappedAnon(Context& c);
void partlyMappedThp(Context& c);
void shmemUnmapped(Context& c);
// The counters' version, for bundles without page tables or when the scan falls short.
void unexplainedAnonLru(Context& c, const report::Report& r);
// Marks every anonymous-leak finding found so far as having the counters' evidence (meminfo was
// read) and the THP split failures that go with it.
void markAnonLeaks(Context& c);
// The anonymous LRU counters against the page scan.
void countersDisagree(Context& c, const report::Report& r);

// The kernel's own memory (kernel.cc): slab, hugetlb pool, stacks, page tables, vmalloc, and
// what no counter accounts for.
void slabUnreclaimable(Context& c);
void hugetlbUnused(Context& c);
void kernelOverheads(Context& c);
void ledgerResidual(Context& c, const report::Report& r);
// meminfo counters no correct kernel prints (counters.cc): above MemTotal, parts above it,
// nodes that do not add up to the host.
void countersImpossible(Context& c);
// Page-frame tables in the wrong byte order: put first, the frame-based findings withheld.
void byteOrderSuspect(Context& c);

// Memory cgroups (cgroups.cc): charges that outlived their tasks.
void zombieCgroups(Context& c);

// Events since boot (events.cc): OOM kills, failed THP splits and compaction, NUMA misses.
void oomKills(Context& c);
void thpCompactionFailures(Context& c);
void numaImbalance(Context& c);

// Growth over a snapshot series (growth.cc): unmapped memory or the ledger's residual growing
// steadily; memory cgroups growing steadily. Both read Report::growth.
void growingUnmapped(Context& c, const report::Report& r);
void growingCgroups(Context& c, const report::Report& r);

}  // namespace memsift::analysis::findings
