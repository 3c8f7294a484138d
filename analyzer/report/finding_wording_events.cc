// The words of the findings about memory cgroups (charges that outlived their tasks) and about
// events since boot (OOM kills, failed THP splits and compaction, NUMA misses).
#include "analyzer/report/finding_wording_parts.h"
#include "analyzer/report/wording.h"
#include "common/bundle/members.h"

namespace memsift::report::wording {

namespace members = bundle::members;

namespace {

void zombieCgroups(const Subject& s, const ZombieFacts& t, FindingWords& w) {
  const Finding& f = s.f;
  const uint64_t bytes = f.bytes.value();
  w.summary = formatBytes(f.bytes) + " (" + s.share(bytes) +
              " of MemTotal) is charged to memory cgroups without tasks: memory of removed or "
              "finished workloads that nobody reclaimed";
  if (t.page_cache) {
    const uint64_t pinned = bytes - t.page_cache->value();
    if (pinned == 0) {
      w.summary += ", all of it page cache, which reclaim frees";
    } else {
      w.summary += ", " + formatBytes(*t.page_cache) + " of it page cache (reclaim frees it) and " +
                   formatBytes(ByteCount(pinned)) +
                   " other memory (shmem, anonymous, kernel) that stays until it is freed";
    }
  }
  if (!f.cgroups.empty()) {
    w.summary +=
        ". Largest: " + f.cgroups.front().path + " (" + formatBytes(f.cgroups.front().bytes) + ").";
  }
  for (size_t i = 0; i < f.cgroups.size() && i < t.cgroups.size() && i < 10; ++i) {
    const CgroupBytes& c = f.cgroups[i];
    std::string what = !t.cgroups[i].in_tree
                           ? "inode " + std::to_string(c.inode) + " is no longer in the hierarchy"
                           : c.path + " has no task of its own";
    w.evidence.push_back(
        {what + "; " + formatBytes(c.bytes) + " charged to it" +
             (t.page_scan ? " (page scan)" : " (usage of a subtree without tasks)"),
         {t.page_scan ? "pageframes" : t.cgroups[i].member,
          t.page_scan ? std::string("kpagecgroup") : std::string(members::kCgroupProcs)}});
  }
  w.next_steps.push_back(
      "Removed cgroups stay as offline (dying) memcgs while pages are charged to them: see "
      "nr_dying_descendants in cgroup.stat (v2). Reclaim returns page cache; on v2 `echo N > "
      "memory.reclaim` in the ancestor, on v1 memory.force_empty in an empty cgroup.");
}

void oomKills(const OomFacts& t, FindingWords& w) {
  const uint64_t n = t.kills.value_or(t.log_messages);
  w.summary = "The OOM killer ran " + formatCount(n) + " time" + (n == 1 ? "" : "s") +
              " since boot: memory ran out for real.";
  if (t.kills)
    w.evidence.push_back(
        {"oom_kill " + formatCount(*t.kills), {std::string(members::kVmstat), "oom_kill"}});
  for (const KernelLogLine& l : t.messages)
    w.evidence.push_back(
        {l.text, {std::string(members::kKernelLog), "line " + std::to_string(l.line)}});
  w.next_steps.push_back(
      "The findings above say where the memory went; the victims are the symptom, not the "
      "cause.");
}

void thpFailures(const ThpFailureFacts& t, FindingWords& w) {
  w.summary = "The kernel failed to split THPs " + formatCount(t.split_failed) +
              " times and compaction failed " + formatCount(t.compact_fail) + " of " +
              formatCount(t.compact_stall) +
              " times: huge pages are pinned or memory is fragmented.";
  for (const Counter& c : t.counters)
    w.evidence.push_back(
        {c.name + " " + formatCount(c.value), {std::string(members::kVmstat), c.name}});
  w.next_steps.push_back(
      "A split fails when a THP has references beyond its mappings (pins): the same cause as "
      "unmapped THPs staying on the LRU. Fragmentation is visible in /proc/buddyinfo.");
}

void numaMiss(const NumaMissFacts& t, FindingWords& w) {
  w.summary = percentOf(t.miss, t.hit + t.miss) +
              " of page allocations could not be served from the preferred NUMA node: one node "
              "ran short while others had memory.";
  w.evidence.push_back({"numa_hit " + formatCount(t.hit) + ", numa_miss " + formatCount(t.miss),
                        {std::string(members::kVmstat), "numa_hit, numa_miss"}});
  for (const NodeFree& n : t.nodes) {
    w.evidence.push_back({"node " + std::to_string(n.node) + ": " + formatBytes(n.free) + " free",
                          {std::string(members::kZoneinfo), "pages free"}});
  }
}

}  // namespace

bool eventWords(const Subject& s, FindingWords& w) {
  const FindingFacts& facts = s.f.facts;
  if (auto* z = std::get_if<ZombieFacts>(&facts)) {
    zombieCgroups(s, *z, w);
  } else if (auto* o = std::get_if<OomFacts>(&facts)) {
    oomKills(*o, w);
  } else if (auto* t = std::get_if<ThpFailureFacts>(&facts)) {
    thpFailures(*t, w);
  } else if (auto* n = std::get_if<NumaMissFacts>(&facts)) {
    numaMiss(*n, w);
  } else {
    return false;
  }
  return true;
}

}  // namespace memsift::report::wording
