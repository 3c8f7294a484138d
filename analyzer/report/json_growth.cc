// The JSON report's `growth` object: the model as it is, bytes as integers, rates as numbers.
#include "analyzer/report/json_growth.h"

namespace memsift::report {
namespace {

using json = nlohmann::ordered_json;

json optionalNumber(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

json seriesJson(const GrowthSeries& s) {
  json samples = json::array();
  for (const GrowthSample& p : s.samples)
    samples.push_back({p.seconds, p.bytes});
  return {{"id", s.id},
          {"label", s.label},
          {"first_bytes", s.first},
          {"last_bytes", s.last},
          {"change_bytes", s.change()},
          {"bytes_per_hour", s.bytes_per_hour},
          {"r_squared", s.r_squared},
          {"grew_share", s.grew_share},
          {"steady", s.steady},
          {"since_seconds", optionalNumber(s.since_seconds)},
          {"samples", std::move(samples)}};
}

json figuresJson(const std::vector<GrowthSeries>& figures) {
  json a = json::array();
  for (const GrowthSeries& s : figures)
    a.push_back(seriesJson(s));
  return a;
}

json optionalTime(const std::optional<int64_t>& t) {
  return t ? json(*t) : json(nullptr);
}

}  // namespace

json growthJson(const Growth& g) {
  json cgroups = json::array();
  for (const GrowthCgroup& c : g.cgroups)
    cgroups.push_back({{"path", c.path}, {"figures", figuresJson(c.figures)}});
  json processes = json::array();
  for (const GrowthProcess& p : g.processes) {
    processes.push_back({{"pid", p.pid},
                         {"start_time", p.start_time ? json(*p.start_time) : json(nullptr)},
                         {"comm", p.comm},
                         {"figures", figuresJson(p.figures)}});
  }
  return {{"snapshots", g.snapshots},
          {"seconds", g.seconds},
          {"first_unix_time", optionalTime(g.first_unix_time)},
          {"last_unix_time", optionalTime(g.last_unix_time)},
          {"every_seconds", optionalNumber(g.every_seconds)},
          {"interrupted", g.interrupted},
          {"ledger", figuresJson(g.ledger)},
          {"cgroups", std::move(cgroups)},
          {"cgroups_moved", g.cgroups_moved},
          {"processes", std::move(processes)},
          {"processes_moved", g.processes_moved}};
}

}  // namespace memsift::report
