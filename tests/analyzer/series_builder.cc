// Snapshot series for the growth tests (series_builder.h).
#include "tests/analyzer/series_builder.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tests/test_support.h"

namespace memsift::test {

namespace {

// meminfo as the kernel prints it ("Key:   N kB"), from parsed values.
std::string meminfoText(const parse::Meminfo& m, const std::map<std::string, int64_t>& bytes) {
  std::string out;
  for (const auto& e : m.entries.entries()) {
    const auto& value = e.value;
    out.append(e.key).append(":");
    if (!value.is_size) {
      out.append(" ").append(std::to_string(value.number)).append("\n");
      continue;
    }
    auto it = bytes.find(std::string(e.key));
    const int64_t b = it != bytes.end() ? it->second : static_cast<int64_t>(value.number);
    out.append(" ").append(std::to_string(std::max<int64_t>(b, 0) / 1024)).append(" kB\n");
  }
  return out;
}

ByteCount moved(ByteCount base, double per_second, double t, double jitter) {
  const double v = static_cast<double>(base.value()) * (1 + jitter) + per_second * t;
  return ByteCount(v > 0 ? static_cast<uint64_t>(std::llround(v)) : 0);
}

}  // namespace

analysis::SeriesData makeSeries(const analysis::BundleData& d, const SeriesPlan& plan) {
  REQUIRE(d.meminfo);
  std::mt19937 rng(plan.seed);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  auto jitter = [&] { return plan.jitter * unit(rng); };
  analysis::SeriesData s;
  s.every_seconds = plan.every;
  s.count_requested = plan.count;
  for (unsigned i = 0; i < plan.count; ++i) {
    analysis::Snapshot snap;
    snap.seq = i + 1;
    snap.seconds = plan.every * i;
    snap.unix_time = plan.first_unix_time + static_cast<int64_t>(std::llround(snap.seconds));
    // meminfo: each line moves by its rate and jitter; MemFree takes the other side.
    std::map<std::string, int64_t> bytes;
    int64_t free_delta = 0;
    for (const auto& e : d.meminfo->entries.entries()) {
      const auto& value = e.value;
      const std::string k(e.key);
      if (!value.is_size || k == "MemTotal" || k == "MemFree") continue;
      const auto base = static_cast<double>(value.number);
      auto rate = plan.meminfo.find(k);
      const double delta =
          base * jitter() + (rate != plan.meminfo.end() ? rate->second : 0) * snap.seconds;
      bytes[k] = static_cast<int64_t>(std::llround(base + delta));
      // Only lines of the ledger take from MemFree: MemAvailable, Cached and the like overlap.
      static const char* kLedger[] = {"Active(anon)",   "Inactive(anon)", "Active(file)",
                                      "Inactive(file)", "SReclaimable",   "SUnreclaim",
                                      "KernelStack",    "PageTables"};
      for (const char* l : kLedger)
        if (k == l) free_delta -= static_cast<int64_t>(std::llround(delta));
    }
    const auto free = static_cast<int64_t>(d.meminfo->get("MemFree").value_or(ByteCount()).value());
    auto free_rate = plan.meminfo.find("MemFree");
    const double taken = free_rate != plan.meminfo.end() ? free_rate->second * snap.seconds : 0;
    bytes["MemFree"] = free + free_delta + static_cast<int64_t>(std::llround(taken));
    snap.meminfo_text = std::make_unique<analysis::TextMember>();
    snap.meminfo_text->name = "proc/meminfo";
    snap.meminfo_text->text = meminfoText(*d.meminfo, bytes);
    std::vector<parse::ParseIssue> issues;
    parse::IssueSink sink("proc/meminfo", issues);
    snap.meminfo = parse::parseMeminfo(snap.meminfo_text->text, sink);
    REQUIRE(issues.empty());
    for (const analysis::CgroupData& g : d.cgroups) {
      analysis::SeriesCgroup c;
      c.hierarchy = g.hierarchy;
      c.path = g.path;
      auto rate = [](const std::map<std::string, double>& m, const std::string& p) {
        auto it = m.find(p);
        return it == m.end() ? 0.0 : it->second;
      };
      if (g.usage)
        c.usage = moved(*g.usage, rate(plan.cgroup_usage, g.path), snap.seconds, jitter());
      if (g.stat_anon)
        c.stat_anon = moved(*g.stat_anon, rate(plan.cgroup_anon, g.path), snap.seconds, jitter());
      c.stat_file = g.stat_file;
      c.stat_shmem = g.stat_shmem;
      snap.cgroups.push_back(std::move(c));
    }
    for (const analysis::ProcessData& p : d.processes) {
      if (p.kernel_thread) continue;
      analysis::SeriesProcess q;
      q.pid = p.pid;
      q.start_time = p.start_time;
      q.comm = p.comm;
      auto it = plan.process_anon.find(p.pid);
      const double rate = it == plan.process_anon.end() ? 0 : it->second;
      const double j = jitter();
      q.rss_anon = moved(p.rss_anon, rate, snap.seconds, j);
      q.vm_rss = moved(p.vm_rss, rate, snap.seconds, j);
      q.rss_file = p.rss_file;
      q.rss_shmem = p.rss_shmem;
      q.vm_pin = p.vm_pin;
      if (p.has_rollup) q.pss = p.pss;
      snap.processes.push_back(std::move(q));
    }
    s.snapshots.push_back(std::move(snap));
  }
  return s;
}

analysis::BundleData loadCorpusCase(const std::string& case_name, const std::string& dir) {
  const std::string root = dir + "/root", bundle = dir + "/b.tar.zst";
  auto gen = run((binDir() / "memsift-testgen").string() + " " + case_name + " " + root +
                 " --expect " + dir + "/expected.json");
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  auto c = run((binDir() / "memsift-collect").string() + " -q --no-nice --root " + root +
               " --page-size 4096 -o " + bundle);
  INFO(c.out);
  REQUIRE(c.exit_code == 0);
  return analysis::loadBundle(bundle);
}

}  // namespace memsift::test
