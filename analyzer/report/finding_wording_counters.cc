// The words of counters-impossible: which meminfo counters cannot be true, by how much, that the
// kernel's accounting is wrong, and what to go by instead (issue 13 §2).
#include "analyzer/report/finding_wording_parts.h"
#include "analyzer/report/wording.h"

namespace memsift::report::wording {

namespace {

// "Inactive(file) 3.5 TiB (1,502% of MemTotal)"
std::string counterClause(const ImpossibleCounter& c) {
  switch (c.kind) {
    case ImpossibleKind::kAboveMemTotal:
      return c.name + " " + formatBytes(c.value) + " (" +
             percentOf(c.value.value(), c.bound.value()) + " of MemTotal)";
    case ImpossibleKind::kPartsAboveMemTotal:
      return "the parts of MemTotal adding up to " + formatBytes(c.value) + " (" +
             percentOf(c.value.value(), c.bound.value()) + " of MemTotal)";
    case ImpossibleKind::kNodesDisagree:
      return "the nodes' " + c.name + " adding up to " + formatBytes(c.value) +
             " where the host's is " + formatBytes(c.bound);
  }
  return c.name;
}

std::string counterEvidence(const ImpossibleCounter& c) {
  const std::string moved = c.allowed.value() > 0
                                ? " (more than the " + formatBytes(c.allowed) +
                                      " the counters may move or lag by during collection)"
                                : "";
  switch (c.kind) {
    case ImpossibleKind::kAboveMemTotal:
      return c.name + " is " + formatBytes(c.value) + ", " + formatBytes(c.value - c.bound) +
             " more than MemTotal " + formatBytes(c.bound) + moved +
             ": a part of memory cannot exceed the whole";
    case ImpossibleKind::kPartsAboveMemTotal:
      return "the disjoint parts of MemTotal (the ledger's lines: free, the LRU lists, slab, "
             "stacks, page tables, per-CPU) add up to " +
             formatBytes(c.value) + ", " + formatBytes(c.value - c.bound) + " more than MemTotal " +
             formatBytes(c.bound) + moved;
    case ImpossibleKind::kNodesDisagree:
      return "the NUMA nodes' " + c.name + " add up to " + formatBytes(c.value) +
             ", but the host's " + c.name + " is " + formatBytes(c.bound) + moved;
  }
  return c.name;
}

}  // namespace

void countersImpossibleWords(const CountersImpossibleFacts& t, FindingWords& w) {
  std::string which;
  for (size_t i = 0; i < t.counters.size(); ++i)
    which += (i == 0                       ? ""
              : i + 1 == t.counters.size() ? " and "
                                           : ", ") +
             counterClause(t.counters[i]);
  w.summary = "The kernel's memory counters cannot be true: " + which +
              ". The kernel's accounting is wrong (a kernel bug): the ledger's shares and "
              "residual, and every figure made from these counters, cannot be trusted" +
              (t.page_scan ? "; go by the page frames, which the kernel's page tables give "
                             "frame by frame."
                           : ".");
  for (const ImpossibleCounter& c : t.counters)
    w.evidence.push_back({counterEvidence(c), c.source});
  if (t.page_scan) {
    w.next_steps.push_back(
        "Go by the page-frame classification (kpageflags, frame by frame) for what holds "
        "memory: it does not depend on these counters.");
  } else {
    w.next_steps.push_back(
        "Collect again as root so that the page-frame tables are captured: they classify "
        "memory frame by frame without these counters.");
  }
  w.next_steps.push_back(
      "Report the counters to the kernel's vendor with this bundle: a counter above MemTotal is "
      "an accounting bug (a list size added twice or never subtracted), not memory in use; "
      "check the kernel's errata for LRU or page cache accounting fixes.");
}

}  // namespace memsift::report::wording
