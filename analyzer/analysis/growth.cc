// Builds the Growth part of the report from a snapshot series: each snapshot's ledger, each memory
// cgroup's and each process's figures, fitted (growth_fit.h); the cgroups and processes that
// moved, fastest first.
#include "analyzer/analysis/growth.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "analyzer/analysis/analyze.h"
#include "analyzer/analysis/growth_fit.h"

namespace memsift::analysis {

namespace {

using report::GrowthSample;
using report::GrowthSeries;

// Samples of one figure, by id, in the order the ids first appear.
class Figures {
 public:
  void add(const std::string& id, const std::string& label, double seconds, int64_t bytes) {
    auto [it, added] = index_.try_emplace(id, series_.size());
    if (added) series_.push_back({id, label, {}});
    series_[it->second].samples.push_back({seconds, bytes});
  }
  void add(const std::string& id, double seconds, const std::optional<ByteCount>& bytes) {
    if (bytes) add(id, "", seconds, static_cast<int64_t>(bytes->value()));
  }
  // Every figure, fitted.
  std::vector<GrowthSeries> fitted() && {
    std::vector<GrowthSeries> out;
    for (Raw& r : series_)
      out.push_back(growthSeries(std::move(r.id), std::move(r.label), std::move(r.samples)));
    return out;
  }

 private:
  struct Raw {
    std::string id, label;
    std::vector<GrowthSample> samples;
  };
  std::vector<Raw> series_;
  std::map<std::string, size_t, std::less<>> index_;
};

bool moved(const std::vector<GrowthSeries>& figures) {
  return std::any_of(figures.begin(), figures.end(), [](const GrowthSeries& s) {
    return std::any_of(s.samples.begin(), s.samples.end(),
                       [&](const GrowthSample& p) { return p.bytes != s.first; });
  });
}

double fastest(const std::vector<GrowthSeries>& figures) {
  double m = 0;
  for (const GrowthSeries& s : figures)
    m = std::max(m, std::fabs(s.bytes_per_hour));
  return m;
}

bool steady(const std::vector<GrowthSeries>& figures) {
  return std::any_of(figures.begin(), figures.end(),
                     [](const GrowthSeries& s) { return s.steady; });
}

// Keeps the rows that moved, at most kMaxGrowthRows: those with a steadily growing figure first
// (the jitter of a large workload must not push a small leak out of the table and out of the
// growing-cgroup rule, which reads the kept rows), then the fastest (ties by `less`). Returns
// how many moved.
template <class Row, class Less>
uint64_t keepMoved(std::vector<Row>& rows, Less less) {
  std::erase_if(rows, [](const Row& r) { return !moved(r.figures); });
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    const bool sa = steady(a.figures), sb = steady(b.figures);
    if (sa != sb) return sa;
    const double fa = fastest(a.figures), fb = fastest(b.figures);
    return fa != fb ? fa > fb : less(a, b);
  });
  const uint64_t count = rows.size();
  if (rows.size() > report::kMaxGrowthRows) rows.resize(report::kMaxGrowthRows);
  return count;
}

}  // namespace

std::optional<report::Growth> buildGrowth(const BundleData& d) {
  if (!d.series || d.series->snapshots.size() < 2) return std::nullopt;
  const std::vector<Snapshot>& snaps = d.series->snapshots;
  report::Growth g;
  g.snapshots = snaps.size();
  g.seconds = snaps.back().seconds - snaps.front().seconds;
  g.first_unix_time = snaps.front().unix_time;
  g.last_unix_time = snaps.back().unix_time;
  g.every_seconds = d.series->every_seconds;
  g.interrupted = d.series->interrupted;

  Figures ledger;
  std::map<std::pair<int, std::string>, Figures> cgroups;  // walk order kept in `cgroup_order`
  std::vector<std::pair<int, std::string>> cgroup_order;
  std::map<ProcessKey, Figures> processes;
  std::map<ProcessKey, std::string> comms;
  for (const Snapshot& s : snaps) {
    const double t = s.seconds - snaps.front().seconds;
    if (s.meminfo) {
      const report::Ledger l = buildLedger(*s.meminfo);
      for (const report::LedgerLine& line : l.lines)
        ledger.add(line.id, line.label, t, static_cast<int64_t>(line.bytes.value()));
      ledger.add("residual", "", t, l.residual_bytes);
    }
    for (const SeriesCgroup& c : s.cgroups) {
      auto key = std::make_pair(c.hierarchy, c.path);
      if (!cgroups.contains(key)) cgroup_order.push_back(key);
      Figures& f = cgroups[key];
      f.add("usage", t, c.usage);
      f.add("anon", t, c.stat_anon);
      f.add("file", t, c.stat_file);
      f.add("shmem", t, c.stat_shmem);
    }
    for (const SeriesProcess& p : s.processes) {
      // The collector itself: its memory grows with what it holds of the series, not with the
      // host's.
      if (p.pid == d.collector_pid) continue;
      const ProcessKey key{p.pid, p.start_time};
      Figures& f = processes[key];
      f.add("vm_rss", t, p.vm_rss);
      f.add("rss_anon", t, p.rss_anon);
      f.add("vm_pin", t, p.vm_pin);
      f.add("pss", t, p.pss);
      comms[key] = p.comm;  // the latest name (exec changes it)
    }
  }
  g.ledger = std::move(ledger).fitted();
  for (const auto& key : cgroup_order)
    g.cgroups.push_back({key.second, std::move(cgroups[key]).fitted()});
  g.cgroups_moved =
      keepMoved(g.cgroups, [](const auto& a, const auto& b) { return a.path < b.path; });
  for (auto& [key, figures] : processes)
    g.processes.push_back({key.pid, key.start_time, comms[key], std::move(figures).fitted()});
  g.processes_moved =
      keepMoved(g.processes, [](const auto& a, const auto& b) { return a.pid < b.pid; });
  return g;
}

}  // namespace memsift::analysis
