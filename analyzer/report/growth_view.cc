// The words and cells of the Growth section (see growth_view.h).
#include "analyzer/report/growth_view.h"

#include <cmath>
#include <ctime>

#include "analyzer/model/format.h"
#include "analyzer/report/wording.h"

namespace memsift::report {
namespace {

std::string signedBytes(int64_t b) {
  std::string s = b > 0 ? "+" : "";
  return s.append(formatSignedBytes(b));
}

// "steady from 20s": where steady growth starts, after the first snapshot (the headline says when
// that was; the findings give the time of day).
std::string trend(const GrowthSeries& s) {
  return s.steady ? std::string("steady from ").append(formatDuration(*s.since_seconds)) : "";
}

// first, last, change, per hour, trend.
std::vector<std::string> cells(const GrowthSeries& s) {
  return {formatSignedBytes(s.first), formatSignedBytes(s.last), signedBytes(s.change()),
          formatRate(s.bytes_per_hour), trend(s)};
}

std::vector<std::pair<std::string, bool>> columns(
    std::initializer_list<std::pair<std::string, bool>> first) {
  std::vector<std::pair<std::string, bool>> c(first);
  for (auto col : {std::pair<std::string, bool>{"first", true},
                   {"last", true},
                   {"change", true},
                   {"per hour", true},
                   {"trend", false}})
    c.push_back(col);
  return c;
}

// "10 of 31 processes that moved, steady growth first, then the fastest", "The one process that
// moved".
std::string movedOf(size_t shown, uint64_t moved, std::string_view one, std::string_view many) {
  if (moved == 1) return "The one " + std::string(one) + " that moved";
  std::string s = shown < moved ? std::to_string(shown) + " of " : "All ";
  return s + formatCount(moved) + " " + std::string(many) +
         " that moved, steady growth first, then the fastest";
}

std::string headline(const Growth& g) {
  std::string s = formatCount(g.snapshots) + " snapshots over " + formatDuration(g.seconds);
  if (g.every_seconds) s += ", one every " + formatDuration(*g.every_seconds);
  if (g.first_unix_time && g.last_unix_time)
    s +=
        ", from " + formatUnixTime(*g.first_unix_time) + " to " + formatUnixTime(*g.last_unix_time);
  if (g.interrupted) s += "; the series ended early (interrupted)";
  return s + ". Per hour is the least-squares slope over every snapshot; a steady trend grows " +
         "in most intervals, along a line, by more than counters jitter.";
}

}  // namespace

std::string formatRate(double bytes_per_hour) {
  return signedBytes(std::llround(bytes_per_hour)) + "/h";
}

std::string formatUnixTime(int64_t unix_time) {
  const auto t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string sinceText(double since_seconds, const std::optional<int64_t>& since_unix_time) {
  if (since_unix_time) return formatUnixTime(*since_unix_time);
  if (since_seconds <= 0) return "the first snapshot";
  return formatDuration(since_seconds) + " after the first snapshot";
}

std::string_view growthFigureName(std::string_view id) {
  struct Name {
    std::string_view id, name;
  };
  static constexpr Name kNames[] = {
      {"usage", "usage"},  {"anon", "anon"},        {"file", "file"},    {"shmem", "shmem"},
      {"vm_rss", "VmRSS"}, {"rss_anon", "RssAnon"}, {"vm_pin", "VmPin"}, {"pss", "Pss"},
  };
  for (const Name& n : kNames)
    if (n.id == id) return n.name;
  return id;
}

std::string growthSeriesName(const GrowthSeries& s) {
  if (s.id == "residual") return std::string("Residual: ").append(kResidualWhat);
  if (!s.label.empty()) return s.label;
  return std::string(growthFigureName(s.id));
}

GrowthView growthView(const Growth& g) {
  GrowthView v;
  v.headline = headline(g);
  GrowthTable& ledger = v.tables.emplace_back();
  ledger.title = "Ledger";
  ledger.columns = columns({{"part", false}});
  for (const GrowthSeries& s : g.ledger) {
    std::vector<std::string> row{growthSeriesName(s)};
    for (std::string& c : cells(s))
      row.push_back(std::move(c));
    ledger.rows.push_back(std::move(row));
  }
  GrowthTable& cgroups = v.tables.emplace_back();
  cgroups.title = "Memory cgroups";
  cgroups.note =
      g.cgroups_moved == 0
          ? "No memory cgroup moved."
          : movedOf(g.cgroups.size(), g.cgroups_moved, "memory cgroup", "memory cgroups") +
                " (usage: memory.current or memory.usage_in_bytes; anon, file, "
                "shmem: memory.stat).";
  cgroups.columns = columns({{"cgroup", false}, {"figure", false}});
  // A cgroup's or process's name on its first figure's row only: its rows read as one block.
  for (const GrowthCgroup& c : g.cgroups) {
    for (const GrowthSeries& s : c.figures) {
      const bool first = &s == &c.figures.front();
      std::vector<std::string> row{first ? c.path : "", growthSeriesName(s)};
      for (std::string& cell : cells(s))
        row.push_back(std::move(cell));
      cgroups.rows.push_back(std::move(row));
    }
  }
  GrowthTable& processes = v.tables.emplace_back();
  processes.title = "Processes";
  processes.note = g.processes_moved == 0
                       ? "No process moved."
                       : movedOf(g.processes.size(), g.processes_moved, "process", "processes") +
                             ", each a pid and its start time (VmRSS, RssAnon, VmPin: status; Pss: "
                             "smaps_rollup).";
  processes.columns = columns({{"pid", true}, {"command", false}, {"figure", false}});
  for (const GrowthProcess& p : g.processes) {
    for (const GrowthSeries& s : p.figures) {
      const bool first = &s == &p.figures.front();
      std::vector<std::string> row{first ? std::to_string(p.pid) : "", first ? p.comm : "",
                                   growthSeriesName(s)};
      for (std::string& cell : cells(s))
        row.push_back(std::move(cell));
      processes.rows.push_back(std::move(row));
    }
  }
  return v;
}

}  // namespace memsift::report
