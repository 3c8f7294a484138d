// The words and cells of `memsift diff` (see diff_view.h).
#include "analyzer/report/diff_view.h"

#include <cmath>

#include "analyzer/model/format.h"

namespace memsift::report {
namespace {

std::string bytesOr(const std::optional<ByteCount>& b) {
  return b ? formatBytes(*b) : std::string("-");
}

std::string signedBytes(int64_t delta) {
  std::string s = delta > 0 ? "+" : "";
  return s.append(formatSignedBytes(delta));
}

std::string rate(const DiffReport& d, int64_t delta) {
  const std::optional<double> r = perHour(d, delta);
  if (!r || delta == 0) return "-";
  const int64_t v = static_cast<int64_t>(std::llround(*r));
  return signedBytes(v) + "/h";
}

// before, after, change, per hour.
std::vector<std::string> changeCells(const DiffReport& d, const Change& c) {
  return {bytesOr(c.before), bytesOr(c.after), signedBytes(c.delta()), rate(d, c.delta())};
}

const std::vector<std::pair<std::string, bool>> kChangeColumns = {
    {"before", true}, {"after", true}, {"change", true}, {"per hour", true}};

std::vector<std::pair<std::string, bool>> columns(
    std::initializer_list<std::pair<std::string, bool>> first) {
  std::vector<std::pair<std::string, bool>> c(first);
  c.insert(c.end(), kChangeColumns.begin(), kChangeColumns.end());
  return c;
}

std::string headline(const DiffReport& d) {
  std::string s = "From " + d.before.collected_at + " to " + d.after.collected_at;
  if (d.elapsed_seconds) {
    s += *d.elapsed_seconds >= 0
             ? ", " + formatDuration(*d.elapsed_seconds) + " apart"
             : ", the NEW bundle is older by " + formatDuration(-*d.elapsed_seconds);
    s += " (by " + d.elapsed_source + ")";
  }
  if (!d.same_host) {
    s += "; DIFFERENT HOSTS (" + d.before.hostname + ", " + d.after.hostname +
         "), compared with --force";
  } else if (d.same_boot == false) {
    s += "; the host REBOOTED between them (boot ids differ), compared with --force";
  } else if (!d.same_boot) {
    s += "; same boot unknown (a bundle has no proc/sys/kernel/random/boot_id)";
  } else {
    s += "; same boot";
  }
  if (d.before.kernel != d.after.kernel)
    s += "; kernel " + d.before.kernel + " -> " + d.after.kernel;
  return s + ".";
}

DiffSection findings(const DiffReport& d) {
  DiffSection s{
      "Findings", {}, columns({{"finding", false}, {"severity", false}, {"status", false}}), {}};
  if (d.findings.empty()) s.sentences.push_back("No finding in either bundle.");
  for (const FindingChange& f : d.findings) {
    std::vector<std::string> row = {f.id, f.severity, f.status};
    for (std::string& c : changeCells(d, f.bytes))
      row.push_back(std::move(c));
    s.rows.push_back(std::move(row));
  }
  return s;
}

DiffSection changes(const DiffReport& d, std::string title, std::string what,
                    const std::vector<Change>& list, bool only_changed) {
  DiffSection s{std::move(title), {}, columns({{what, false}}), {}};
  for (const Change& c : list) {
    if (only_changed && c.delta() == 0) continue;
    std::vector<std::string> row = {c.label.empty() ? c.id : c.label};
    for (std::string& cell : changeCells(d, c))
      row.push_back(std::move(cell));
    s.rows.push_back(std::move(row));
  }
  if (s.rows.empty()) s.sentences.push_back("Nothing changed.");
  return s;
}

std::string ofAll(size_t shown, uint64_t all, const char* what) {
  if (shown == all) return formatCount(all) + " " + what + " changed.";
  return "The " + formatCount(shown) + " largest of " + formatCount(all) + " " + what +
         " that changed (--top).";
}

}  // namespace

DiffView diffView(const DiffReport& d) {
  DiffView v;
  v.title = "memsift diff for " + (d.after.hostname.empty() ? "(unknown host)" : d.after.hostname);
  v.headline = headline(d);
  v.sections.push_back(findings(d));
  v.sections.push_back(changes(d, "Ledger", "line", d.ledger, false));
  if (!d.frames) {
    v.sections.push_back(
        {"Page frames", {"A bundle has no page-frame tables: no category to compare."}, {}, {}});
  } else {
    v.sections.push_back(changes(d, "Page frames by category", "category", d.categories, true));
    DiffSection nodes{"Page frames by category and NUMA node",
                      {},
                      columns({{"category", false}, {"node", true}}),
                      {}};
    for (const CategoryNodeChange& n : d.category_nodes) {
      std::vector<std::string> row = {n.category, n.node < 0 ? "none" : std::to_string(n.node)};
      for (std::string& c : changeCells(d, n.bytes))
        row.push_back(std::move(c));
      nodes.rows.push_back(std::move(row));
    }
    if (nodes.rows.empty()) nodes.sentences.push_back("Nothing changed.");
    v.sections.push_back(std::move(nodes));
    DiffSection pairs{"Page frames by category and memory cgroup",
                      {ofAll(d.category_cgroups.size(), d.category_cgroup_count, "pairs")},
                      columns({{"category", false}, {"cgroup", false}}),
                      {}};
    for (const CategoryCgroupChange& c : d.category_cgroups) {
      std::vector<std::string> row = {c.category, c.cgroup};
      for (std::string& cell : changeCells(d, c.bytes))
        row.push_back(std::move(cell));
      pairs.rows.push_back(std::move(row));
    }
    v.sections.push_back(std::move(pairs));
  }
  DiffSection cg{"Memory cgroups",
                 {ofAll(d.cgroups.size(), d.cgroup_count, "cgroups") +
                  " Frames are the page scan's (charged to the cgroup itself); usage is the "
                  "cgroup's own counter."},
                 {{"cgroup", false},
                  {"", false},
                  {"usage before", true},
                  {"usage after", true},
                  {"frames before", true},
                  {"frames after", true},
                  {"frames change", true},
                  {"per hour", true}},
                 {}};
  for (const CgroupChange& c : d.cgroups) {
    cg.rows.push_back({c.path,
                       c.appeared ? "new"
                       : c.gone   ? "gone"
                                  : "",
                       bytesOr(c.usage.before), bytesOr(c.usage.after), bytesOr(c.frames.before),
                       bytesOr(c.frames.after), signedBytes(c.frames.delta()),
                       rate(d, c.frames.delta())});
  }
  v.sections.push_back(std::move(cg));
  DiffSection procs{
      "Processes",
      {ofAll(d.processes.size(), d.process_count, "processes") + " " +
       formatCount(d.processes_appeared) + " started and " + formatCount(d.processes_gone) +
       " ended between the bundles (a process is its pid and start time)."},
      columns({{"pid", true}, {"comm", false}, {"", false}}),
      {}};
  for (const ProcessChange& p : d.processes) {
    std::vector<std::string> row = {std::to_string(p.pid), p.comm,
                                    p.appeared ? "new"
                                    : p.gone   ? "gone"
                                               : ""};
    for (std::string& c : changeCells(d, p.rss))
      row.push_back(std::move(c));
    procs.rows.push_back(std::move(row));
  }
  procs.columns[3].first = "RSS before";
  procs.columns[4].first = "RSS after";
  v.sections.push_back(std::move(procs));
  return v;
}

}  // namespace memsift::report
