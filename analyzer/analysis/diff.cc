// The comparison of two analysed bundles: changes keyed by what names a figure in both (ledger
// line and category ids, cgroup paths, pid and start time, finding ids).
#include "analyzer/analysis/diff.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>

#include "analyzer/frames/frame_category.h"
#include "common/bundle/members.h"
#include "common/parse/fields.h"

namespace memsift::analysis {
namespace {

using report::Change;

std::string bootId(const BundleData& d) {
  const std::string* text = d.text(bundle::members::kBootId);
  return text ? std::string(parse::oneLineValue(*text)) : std::string();
}

report::DiffSide side(const AnalysedBundle& b) {
  const report::Host& h = b.report.host;
  return {h.hostname, h.kernel, bootId(b.data), h.collected_at, h.uptime_seconds};
}

uint64_t magnitude(int64_t v) {
  return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

template <typename T, typename Key>
void sortByChange(std::vector<T>& v, Key change) {
  std::stable_sort(v.begin(), v.end(), [&](const T& a, const T& b) {
    return magnitude(change(a).delta()) > magnitude(change(b).delta());
  });
}

// Changes keyed by id, in the order ids first appear (the newer bundle's order, then ids only
// the older one has).
class ChangeSet {
 public:
  void before(const std::string& id, const std::string& label, ByteCount bytes) {
    at(id, label).before = at(id, label).before.value_or(ByteCount()) + bytes;
  }
  void after(const std::string& id, const std::string& label, ByteCount bytes) {
    at(id, label).after = at(id, label).after.value_or(ByteCount()) + bytes;
  }
  std::vector<Change> take() { return std::move(changes_); }

 private:
  Change& at(const std::string& id, const std::string& label) {
    auto [it, inserted] = index_.try_emplace(id, changes_.size());
    if (inserted) changes_.push_back({id, label, std::nullopt, std::nullopt});
    return changes_[it->second];
  }
  std::map<std::string, size_t> index_;
  std::vector<Change> changes_;
};

void diffFindings(const report::Report& a, const report::Report& b, report::DiffReport& d) {
  ChangeSet set;
  std::map<std::string, std::string> severity;
  for (const report::Finding& f : b.findings) {
    set.after(f.id, "", f.bytes);
    severity[f.id] = std::string(report::severityName(f.severity));
  }
  for (const report::Finding& f : a.findings) {
    set.before(f.id, "", f.bytes);
    severity.try_emplace(f.id, std::string(report::severityName(f.severity)));
  }
  for (Change& c : set.take()) {
    report::FindingChange f{c.id, severity[c.id], "", c};
    f.status = !c.before       ? "appeared"
               : !c.after      ? "gone"
               : c.delta() > 0 ? "grew"
               : c.delta() < 0 ? "shrank"
                               : "unchanged";
    d.findings.push_back(std::move(f));
  }
}

void diffLedger(const report::Report& a, const report::Report& b, report::DiffReport& d) {
  ChangeSet set;
  for (const report::LedgerLine& l : b.ledger.lines)
    set.after(l.id, l.label, l.bytes);
  for (const report::LedgerLine& l : a.ledger.lines)
    set.before(l.id, l.label, l.bytes);
  d.ledger = set.take();
}

void diffCategories(const report::Report& a, const report::Report& b, report::DiffReport& d) {
  d.frames = a.frames.has_value() && b.frames.has_value();
  if (!d.frames) return;
  ChangeSet set;
  std::map<std::pair<std::string, int>, Change> nodes;
  for (const report::FrameCategoryRow& c : b.frames->categories) {
    set.after(c.id, c.label, c.bytes);
    for (const report::NodeBytes& n : c.nodes)
      nodes[{c.id, n.node}].after = n.bytes;
  }
  for (const report::FrameCategoryRow& c : a.frames->categories) {
    set.before(c.id, c.label, c.bytes);
    for (const report::NodeBytes& n : c.nodes)
      nodes[{c.id, n.node}].before = n.bytes;
  }
  d.categories = set.take();
  for (auto& [key, change] : nodes) {
    if (change.delta() == 0) continue;
    change.id = key.first;
    d.category_nodes.push_back({key.first, key.second, change});
  }
  sortByChange(d.category_nodes, [](const report::CategoryNodeChange& c) { return c.bytes; });
}

std::string cgroupName(const BundleData& d, uint64_t inode) {
  if (const CgroupData* c = d.cgroupByInode(inode)) return c->path;
  return inode == 0 ? "(not charged)" : "@" + std::to_string(inode);
}

// Per category and cgroup, and per cgroup, from the page scans and the cgroups' own files.
void diffCgroups(const BundleData& a, const BundleData& b, const DiffOptions& o,
                 report::DiffReport& d) {
  std::map<std::pair<std::string, std::string>, Change> by_pair;
  std::map<std::string, report::CgroupChange> by_path;
  auto scan = [&](const BundleData& data, bool after) {
    const PageSize page(data.page_size);
    auto set = [after](Change& c, ByteCount v) { (after ? c.after : c.before) = v; };
    for (const CgroupData& g : data.cgroups) {
      report::CgroupChange& c = by_path[g.path];
      c.path = g.path;
      if (g.usage) set(c.usage, *g.usage);
    }
    if (!data.census) return;
    for (const auto& [inode, pages] : data.census->cgroups) {
      const std::string path = cgroupName(data, inode);
      report::CgroupChange& c = by_path[path];
      c.path = path;
      uint64_t total = 0;
      for (size_t i = 0; i < pages.size(); ++i) {
        total += pages[i];
        if (pages[i] == 0) continue;
        const std::string id(frames::categoryId(static_cast<frames::FrameCategory>(i)));
        set(by_pair[{id, path}], page.toBytes(PageCount(pages[i])));
      }
      set(c.frames, page.toBytes(PageCount(total)));
      set(c.unmapped, page.toBytes(PageCount(
                          pages[static_cast<size_t>(frames::FrameCategory::kAnonUnmapped)] +
                          pages[static_cast<size_t>(frames::FrameCategory::kAnonThpUnmapped)])));
    }
  };
  scan(a, false);
  scan(b, true);
  for (auto& [key, change] : by_pair) {
    if (change.delta() == 0) continue;
    d.category_cgroups.push_back({key.first, key.second, change});
  }
  d.category_cgroup_count = d.category_cgroups.size();
  sortByChange(d.category_cgroups, [](const report::CategoryCgroupChange& c) { return c.bytes; });
  if (d.category_cgroups.size() > o.top) d.category_cgroups.resize(o.top);

  const std::set<std::string> before_paths = [&] {
    std::set<std::string> s;
    for (const CgroupData& g : a.cgroups)
      s.insert(g.path);
    return s;
  }();
  for (auto& [key, c] : by_path) {
    const std::string& path = key;  // clang before 16 cannot capture a structured binding
    const bool in_a = before_paths.count(path) > 0 || c.frames.before || c.usage.before;
    const bool in_b = c.frames.after || c.usage.after ||
                      std::any_of(b.cgroups.begin(), b.cgroups.end(),
                                  [&](const CgroupData& g) { return g.path == path; });
    c.appeared = !in_a && in_b;
    c.gone = in_a && !in_b;
    if (c.usage.delta() == 0 && c.frames.delta() == 0 && !c.appeared && !c.gone) continue;
    d.cgroups.push_back(c);
  }
  d.cgroup_count = d.cgroups.size();
  // Largest change first: the page scan's where both have one, else the cgroup's own counter.
  sortByChange(d.cgroups, [](const report::CgroupChange& c) {
    return c.frames.before || c.frames.after ? c.frames : c.usage;
  });
  if (d.cgroups.size() > o.top) d.cgroups.resize(o.top);
}

// A process by its pid and start time: a pid reused by another process is two processes.
void diffProcesses(const BundleData& a, const BundleData& b, const DiffOptions& o,
                   report::DiffReport& d) {
  std::map<std::pair<int, uint64_t>, report::ProcessChange> by_key;
  auto scan = [&](const BundleData& data, bool after) {
    for (const ProcessData& p : data.processes) {
      if (p.kernel_thread) continue;
      report::ProcessChange& c = by_key[{p.pid, p.start_time.value_or(0)}];
      c.pid = p.pid;
      c.comm = p.comm;
      c.cgroup = p.cgroup_path;
      const ByteCount rss = p.has_rollup || p.has_smaps ? p.rss : p.vm_rss;
      (after ? c.rss.after : c.rss.before) = rss;
      if (p.has_status) (after ? c.anon.after : c.anon.before) = p.rss_anon;
    }
  };
  scan(a, false);
  scan(b, true);
  for (auto& [key, c] : by_key) {
    c.appeared = !c.rss.before;
    c.gone = !c.rss.after;
    d.processes_appeared += c.appeared;
    d.processes_gone += c.gone;
    if (c.rss.delta() == 0 && c.anon.delta() == 0) continue;
    d.processes.push_back(c);
  }
  d.process_count = d.processes.size();
  sortByChange(d.processes, [](const report::ProcessChange& c) { return c.rss; });
  if (d.processes.size() > o.top) d.processes.resize(o.top);
}

}  // namespace

std::optional<double> parseUtcTime(std::string_view iso) {
  std::tm tm{};
  int n = 0;
  const std::string s(iso.substr(0, 19));
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
      n != 19) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<double>(timegm(&tm));
}

report::DiffReport diffBundles(const AnalysedBundle& before, const AnalysedBundle& after,
                               const DiffOptions& options) {
  report::DiffReport d;
  d.before = side(before);
  d.after = side(after);
  d.same_host = d.before.hostname == d.after.hostname;
  if (!d.before.boot_id.empty() && !d.after.boot_id.empty())
    d.same_boot = d.before.boot_id == d.after.boot_id;
  // Within one boot the uptimes are the truest clock (the collector host's clock may be off);
  // else the collection times.
  if (d.same_boot.value_or(false) && d.before.uptime_seconds && d.after.uptime_seconds) {
    d.elapsed_seconds = *d.after.uptime_seconds - *d.before.uptime_seconds;
    d.elapsed_source = "uptime";
  } else if (auto t0 = parseUtcTime(d.before.collected_at), t1 = parseUtcTime(d.after.collected_at);
             t0 && t1) {
    d.elapsed_seconds = *t1 - *t0;
    d.elapsed_source = "collection times";
  }
  diffFindings(before.report, after.report, d);
  diffLedger(before.report, after.report, d);
  diffCategories(before.report, after.report, d);
  diffCgroups(before.data, after.data, options, d);
  diffProcesses(before.data, after.data, options, d);
  return d;
}

}  // namespace memsift::analysis
