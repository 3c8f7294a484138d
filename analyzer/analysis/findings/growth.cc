// Findings about growth over a snapshot series: memory that no process maps (or that no counter
// accounts for) growing steadily, and memory cgroups growing steadily. "Steadily" is
// analysis/growth_fit.h's; report/finding_wording_growth.cc says the findings.
#include <algorithm>
#include <cmath>
#include <map>

#include "analyzer/analysis/findings/rules.h"
#include "analyzer/analysis/growth.h"
#include "analyzer/analysis/growth_fit.h"

namespace memsift::analysis::findings {

namespace {

using report::GrowthSample;
using report::GrowthSeries;

report::GrowthTrend trendOf(const GrowthSeries& s, const report::Growth& g) {
  report::GrowthTrend t;
  t.bytes_per_hour = s.bytes_per_hour;
  t.first = s.first;
  t.last = s.last;
  t.r_squared = s.r_squared;
  t.grew_share = s.grew_share;
  t.since_seconds = s.since_seconds.value_or(0);
  if (g.first_unix_time) t.since_unix_time = *g.first_unix_time + std::llround(t.since_seconds);
  return t;
}

// What the steady slope adds up to over the series: the finding's size.
ByteCount grown(double bytes_per_hour, const report::Growth& g) {
  const double b = bytes_per_hour * g.seconds / 3600;
  return ByteCount(b > 0 ? static_cast<uint64_t>(std::llround(b)) : 0);
}

const GrowthSeries* figure(const std::vector<GrowthSeries>& figures, std::string_view id) {
  for (const GrowthSeries& s : figures)
    if (s.id == id) return &s;
  return nullptr;
}

// `path` is below `ancestor` in the same hierarchy.
bool below(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return path != "/";
  return path.size() > ancestor.size() && path.starts_with(ancestor) &&
         path[ancestor.size()] == '/';
}

// Of cgroups that grow, those with no growing cgroup below them: a leaf's growth shows in every
// ancestor's (hierarchical) usage, and the leaf is where it happens.
template <class T, class Path>
void keepDeepest(std::vector<T>& v, Path path) {
  std::vector<T> kept;
  for (const T& a : v) {
    const bool covered =
        std::any_of(v.begin(), v.end(), [&](const T& b) { return below(path(b), path(a)); });
    if (!covered) kept.push_back(a);
  }
  v = std::move(kept);
}

uint64_t inodeOf(const Context& c, const std::string& path) {
  for (const CgroupData& g : c.d.cgroups)
    if (g.path == path &&
        (c.d.page_cgroup_hierarchy < 0 || g.hierarchy == c.d.page_cgroup_hierarchy))
      return g.inode;
  return 0;
}

Finding growthFinding(const Context& c, std::string id, ByteCount bytes) {
  Finding f;
  f.id = std::move(id);
  f.bytes = bytes;
  f.pages = c.page.toPages(bytes);
  return f;
}

// Per snapshot, anonymous memory against what processes map of it: the host's anonymous LRU and
// each memory cgroup's memory.stat anon, against the RssAnon of the processes (in the cgroup and
// below it). A process is placed in the cgroup the final snapshot names for it; one that exited
// before then counts for the host only.
// `noise`: the largest sum of the two sides' magnitudes, which their jitter scales with (they are
// read at different moments, so the difference jitters with the sum, not with itself).
struct AnonSeries {
  std::vector<GrowthSample> lru, mapped, unmapped;
  uint64_t noise = 0;
};
struct CgroupAnonSeries {
  std::vector<GrowthSample> mapped, unmapped;
  uint64_t noise = 0;
};

void collectAnon(const Context& c, AnonSeries& host,
                 std::map<std::string, CgroupAnonSeries>& cgroups) {
  std::map<ProcessKey, const std::string*> placed;
  for (const ProcessData& p : c.d.processes)
    placed[{p.pid, p.start_time}] = &p.cgroup_path;
  const std::vector<Snapshot>& snaps = c.d.series->snapshots;
  for (const Snapshot& s : snaps) {
    const double t = s.seconds - snaps.front().seconds;
    int64_t mapped = 0;
    std::map<std::string, int64_t, std::less<>> mapped_in;  // cgroup (and its ancestors)
    for (const SeriesProcess& p : s.processes) {
      const auto anon = static_cast<int64_t>(p.rss_anon.value());
      mapped += anon;
      auto it = placed.find({p.pid, p.start_time});
      if (it == placed.end() || it->second->empty()) continue;
      std::string_view path = *it->second;
      while (true) {
        mapped_in[std::string(path)] += anon;
        if (path == "/") break;
        const size_t slash = path.rfind('/');
        path = slash == 0 || slash == std::string_view::npos ? "/" : path.substr(0, slash);
      }
    }
    if (s.meminfo) {
      const auto lru = static_cast<int64_t>((s.meminfo->get("Active(anon)").value_or(ByteCount()) +
                                             s.meminfo->get("Inactive(anon)").value_or(ByteCount()))
                                                .value());
      host.lru.push_back({t, lru});
      host.mapped.push_back({t, mapped});
      host.unmapped.push_back({t, lru - mapped});
      host.noise = std::max(host.noise, static_cast<uint64_t>(lru + mapped));
    }
    for (const SeriesCgroup& g : s.cgroups) {
      if (!g.stat_anon || g.path == "/") continue;  // the root is the host's, above
      auto it = mapped_in.find(g.path);
      const int64_t in = it == mapped_in.end() ? 0 : it->second;
      CgroupAnonSeries& a = cgroups[g.path];
      a.mapped.push_back({t, in});
      a.unmapped.push_back({t, static_cast<int64_t>(g.stat_anon->value()) - in});
      a.noise = std::max(a.noise, g.stat_anon->value() + static_cast<uint64_t>(in));
    }
  }
}

void growingAnon(Context& c, const report::Growth& g) {
  AnonSeries host;
  std::map<std::string, CgroupAnonSeries> per_cgroup;
  collectAnon(c, host, per_cgroup);
  report::GrowingUnmappedFacts facts;
  facts.snapshots = g.snapshots;
  facts.seconds = g.seconds;
  ByteCount bytes;
  if (!host.unmapped.empty()) {
    const GrowthSeries unmapped =
        growthSeries("unmapped", "", std::move(host.unmapped), host.noise);
    if (unmapped.steady) {
      facts.host = trendOf(unmapped, g);
      facts.lru_per_hour = growthSeries("lru", "", std::move(host.lru)).bytes_per_hour;
      facts.mapped_per_hour = growthSeries("mapped", "", std::move(host.mapped)).bytes_per_hour;
      bytes = grown(unmapped.bytes_per_hour, g);
    }
  }
  for (auto& [path, a] : per_cgroup) {
    const GrowthSeries unmapped = growthSeries("unmapped", "", std::move(a.unmapped), a.noise);
    if (!unmapped.steady) continue;
    facts.cgroups.push_back({path, trendOf(unmapped, g),
                             growthSeries("mapped", "", std::move(a.mapped)).bytes_per_hour});
  }
  keepDeepest(facts.cgroups, [](const report::UnmappedCgroupGrowth& u) { return u.path; });
  std::stable_sort(facts.cgroups.begin(), facts.cgroups.end(), [](const auto& a, const auto& b) {
    return a.unmapped.bytes_per_hour > b.unmapped.bytes_per_hour;
  });
  if (facts.cgroups.size() > report::kMaxGrowthRows) facts.cgroups.resize(report::kMaxGrowthRows);
  if (!facts.host && facts.cgroups.empty()) return;
  Finding f = growthFinding(c, "growing-unmapped", bytes);
  for (const report::UnmappedCgroupGrowth& u : facts.cgroups) {
    const ByteCount b = grown(u.unmapped.bytes_per_hour, g);
    f.cgroups.push_back({u.path, inodeOf(c, u.path), b});
    if (b > f.bytes) f.bytes = b;
  }
  f.pages = c.page.toPages(f.bytes);
  f.severity = Severity::kWarning;
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

}  // namespace

void growingUnmapped(Context& c, const report::Report& r) {
  if (!r.growth || !c.d.series) return;
  const report::Growth& g = *r.growth;
  if (const GrowthSeries* residual = figure(g.ledger, "residual"); residual && residual->steady) {
    report::GrowingUnmappedFacts facts;
    facts.residual = true;
    facts.host = trendOf(*residual, g);
    facts.snapshots = g.snapshots;
    facts.seconds = g.seconds;
    Finding f = growthFinding(c, "growing-unmapped", grown(residual->bytes_per_hour, g));
    f.severity = Severity::kWarning;
    f.facts = std::move(facts);
    c.out.push_back(std::move(f));
  }
  growingAnon(c, g);
}

// Warning when the cgroup would take a tenth of MemTotal within a day at this rate (a leak to act
// on before it becomes an outage); info for slower growth, which may be a cache warming up.
void growingCgroups(Context& c, const report::Report& r) {
  if (!r.growth) return;
  const report::Growth& g = *r.growth;
  struct Growing {
    const report::GrowthCgroup* cgroup;
    const GrowthSeries* series;
  };
  std::vector<Growing> growing;
  for (const report::GrowthCgroup& cg : g.cgroups) {
    const GrowthSeries* s = figure(cg.figures, "usage");
    if (!s) s = figure(cg.figures, "anon");
    if (s && s->steady) growing.push_back({&cg, s});
  }
  keepDeepest(growing, [](const Growing& x) -> const std::string& { return x.cgroup->path; });
  for (const Growing& x : growing) {
    report::GrowingCgroupFacts facts;
    facts.path = x.cgroup->path;
    facts.figure = x.series->id;
    facts.trend = trendOf(*x.series, g);
    auto rate = [&](std::string_view id) -> std::optional<double> {
      const GrowthSeries* s = figure(x.cgroup->figures, id);
      return s ? std::optional(s->bytes_per_hour) : std::nullopt;
    };
    facts.anon_per_hour = rate("anon");
    facts.file_per_hour = rate("file");
    facts.shmem_per_hour = rate("shmem");
    facts.snapshots = g.snapshots;
    facts.seconds = g.seconds;
    Finding f = growthFinding(c, "growing-cgroup", grown(x.series->bytes_per_hour, g));
    f.cgroups.push_back({facts.path, inodeOf(c, facts.path), f.bytes});
    f.severity = x.series->bytes_per_hour * 24 * 10 >= static_cast<double>(c.total)
                     ? Severity::kWarning
                     : Severity::kInfo;
    f.facts = std::move(facts);
    c.out.push_back(std::move(f));
  }
}

}  // namespace memsift::analysis::findings
