// The words of the findings about growth over a snapshot series: growing-unmapped (memory that no
// process maps, or that no counter accounts for, growing steadily) and growing-cgroup.
#include <cstdio>

#include "analyzer/report/finding_wording_parts.h"
#include "analyzer/report/growth_view.h"
#include "common/bundle/members.h"

namespace memsift::report::wording {

namespace members = bundle::members;

namespace {

// "+56.3 GiB/h since 2026-12-03T16:00:05Z (6 snapshots over 5s)".
std::string rateSince(const GrowthTrend& t, uint64_t snapshots, double seconds) {
  return formatRate(t.bytes_per_hour) + " since " + sinceText(t.since_seconds, t.since_unix_time) +
         " (" + formatCount(snapshots) + " snapshots over " + formatDuration(seconds) + ")";
}

std::string twoDecimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// Where a cgroup's series comes from: its memory files in every snapshot.
Source cgroupSource(const std::string& path, std::string field) {
  return {"snapshot series, memory cgroup " + path, std::move(field)};
}

// "+56.3 GiB/h since 2026-12-03T16:00:05Z, from 1 GiB to 2 GiB (fit R² 0.99, grew in 100% of
// the intervals)".
std::string trendText(const GrowthTrend& t) {
  return formatRate(t.bytes_per_hour) + " since " + sinceText(t.since_seconds, t.since_unix_time) +
         ", from " + formatSignedBytes(t.first) + " to " + formatSignedBytes(t.last) + " (fit R² " +
         twoDecimals(t.r_squared) + ", grew in " + formatPercent(t.grew_share) +
         " of the intervals)";
}

void growingUnmapped(const GrowingUnmappedFacts& t, FindingWords& w) {
  if (t.residual) {
    w.summary =
        "Memory that no counter of meminfo accounts for (the ledger's residual) grows "
        "steadily at " +
        rateSince(*t.host, t.snapshots, t.seconds) +
        ": something allocates kernel memory that no counter names.";
    w.evidence.push_back({"residual " + trendText(*t.host),
                          {std::string(members::kMeminfo), "MemTotal minus the ledger's parts"}});
    w.next_steps.push_back(
        "Memory outside every counter is taken straight from the page allocator (drivers, "
        "alloc_pages users): compare the page-frame categories of two bundles with `memsift "
        "diff`, and look for a driver's own statistics in debugfs.");
    return;
  }
  if (t.host) {
    w.summary = "Anonymous memory that no process maps grows steadily at " +
                rateSince(*t.host, t.snapshots, t.seconds) +
                ": the anonymous LRU grows and the processes' RssAnon does not keep up.";
    w.evidence.push_back(
        {"Active(anon) + Inactive(anon) minus every process's RssAnon: " + trendText(*t.host),
         {std::string(members::kMeminfo), "Active(anon), Inactive(anon)"}});
    if (t.lru_per_hour && t.mapped_per_hour)
      w.evidence.push_back({"anonymous LRU " + formatRate(*t.lru_per_hour) +
                                ", processes' RssAnon " + formatRate(*t.mapped_per_hour),
                            {members::everyProcessMember(members::kProcStatus), "RssAnon"}});
  } else {
    w.summary = "Anonymous memory that no process maps grows steadily in memory cgroup " +
                t.cgroups.front().path + " at " +
                rateSince(t.cgroups.front().unmapped, t.snapshots, t.seconds) +
                ": its anon grows and its processes' RssAnon does not keep up.";
  }
  for (const UnmappedCgroupGrowth& c : t.cgroups) {
    w.evidence.push_back({c.path + ": memory.stat anon minus its processes' RssAnon " +
                              trendText(c.unmapped) + "; their RssAnon " +
                              formatRate(c.mapped_per_hour),
                          cgroupSource(c.path, "memory.stat anon")});
  }
  w.next_steps.push_back(
      "Anonymous memory outside every mapping is held by references: pinned pages (io_uring, "
      "RDMA, vfio), or pages of exited processes still referenced. Take a full bundle now and "
      "another later: `memsift diff OLD NEW` shows which page-frame category and cgroup hold "
      "the growth.");
}

void growingCgroup(const GrowingCgroupFacts& t, FindingWords& w) {
  w.summary = "Memory cgroup " + t.path + " grows steadily (its " +
              std::string(growthFigureName(t.figure)) + ") at " +
              rateSince(t.trend, t.snapshots, t.seconds) + ".";
  w.evidence.push_back(
      {std::string(growthFigureName(t.figure)) + " " + trendText(t.trend),
       cgroupSource(t.path, t.figure == "usage" ? "memory.current, memory.usage_in_bytes"
                                                : "memory.stat anon")});
  std::string kinds;
  auto kind = [&](const char* name, const std::optional<double>& rate) {
    if (!rate) return;
    if (!kinds.empty()) kinds += ", ";
    kinds += std::string(name) + " " + formatRate(*rate);
  };
  kind("anon", t.anon_per_hour);
  kind("file", t.file_per_hour);
  kind("shmem", t.shmem_per_hour);
  if (!kinds.empty())
    w.evidence.push_back(
        {"memory.stat over the same snapshots: " + kinds, cgroupSource(t.path, "memory.stat")});
  w.next_steps.push_back(
      "The Growth section names the processes that grow with it. Anonymous growth that its "
      "processes map is their own allocation (a heap leak); file growth is page cache, which "
      "reclaim frees.");
}

}  // namespace

bool growthWords(const Subject& s, FindingWords& w) {
  if (auto* u = std::get_if<GrowingUnmappedFacts>(&s.f.facts)) {
    growingUnmapped(*u, w);
  } else if (auto* c = std::get_if<GrowingCgroupFacts>(&s.f.facts)) {
    growingCgroup(*c, w);
  } else {
    return false;
  }
  return true;
}

}  // namespace memsift::report::wording
