// Growth over a snapshot series (issue 14 §1): the arithmetic of slope and steadiness on known
// series, the growing-* findings firing on leaks and staying quiet on jitter, and every format
// showing the Growth section. The series are made in memory (series_builder.h) on a corpus
// case's bundle, until the collector writes them.
#include <catch2/catch.hpp>

#include <random>

#include "analyzer/analysis/analyze.h"
#include "analyzer/analysis/growth_fit.h"
#include "analyzer/report/html_renderer.h"
#include "analyzer/report/json_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/text_renderer.h"
#include "tests/analyzer/golden_report.h"
#include "tests/analyzer/series_builder.h"
#include "tests/test_support.h"

using namespace memsift;
using report::GrowthSample;

namespace {

constexpr double kMiB = 1 << 20;
constexpr double kGiB = kMiB * 1024;

// `n` samples `every` seconds apart: value(t).
template <class F>
std::vector<GrowthSample> samples(size_t n, double every, F value) {
  std::vector<GrowthSample> v;
  for (size_t i = 0; i < n; ++i) {
    const double t = every * static_cast<double>(i);
    v.push_back({t, static_cast<int64_t>(std::llround(value(t, i)))});
  }
  return v;
}

const report::Finding* finding(const report::Report& r, std::string_view id) {
  for (const report::Finding& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

size_t count(const report::Report& r, std::string_view id) {
  size_t n = 0;
  for (const report::Finding& f : r.findings)
    n += f.id == id;
  return n;
}

// The process of the bundle whose memory cgroup (not the root, with usage and memory.stat anon) is
// the smallest: a 16 MiB/s leak over 5 seconds stands out of a small workload's jitter, as in the
// live test's leaking process, while the same 80 MiB within ±1% of a 3 GiB database would not
// (analysis/growth_fit.h).
const analysis::ProcessData& processInCgroup(const analysis::BundleData& d) {
  const analysis::ProcessData* best = nullptr;
  uint64_t smallest = UINT64_MAX;
  for (const analysis::ProcessData& p : d.processes) {
    if (p.kernel_thread || p.cgroup_path.empty() || p.cgroup_path == "/") continue;
    for (const analysis::CgroupData& g : d.cgroups) {
      if (g.path != p.cgroup_path || !g.usage || !g.stat_anon) continue;
      if (g.usage->value() < smallest) {
        smallest = g.usage->value();
        best = &p;
      }
    }
  }
  REQUIRE(best);
  return *best;
}

constexpr double kLeak = 16 * kMiB;  // bytes per second

// A 16 MiB/s leak, with ±1% jitter on every figure: the anonymous LRU and the memory cgroup of
// `p` grow by it, and so does `p`'s RssAnon when the process maps what leaks.
test::SeriesPlan leakPlan(const analysis::ProcessData& p, bool mapped) {
  test::SeriesPlan plan;
  plan.jitter = 0.01;
  plan.meminfo["Active(anon)"] = kLeak;
  plan.cgroup_usage[p.cgroup_path] = kLeak;
  plan.cgroup_anon[p.cgroup_path] = kLeak;
  if (mapped) plan.process_anon[p.pid] = kLeak;
  return plan;
}

}  // namespace

TEST_CASE("growth: least-squares slope, R² and the share of intervals that grew", "[growth]") {
  // A clean line: 16 MiB/s from 1 GiB, six snapshots a second apart.
  auto line = analysis::growthSeries(
      "x", "", samples(6, 1, [](double t, size_t) { return kGiB + 16 * kMiB * t; }));
  CHECK(line.first == int64_t{1} << 30);
  CHECK(line.last == (int64_t{1} << 30) + 80 * (int64_t{1} << 20));
  CHECK(line.change() == 80 * (int64_t{1} << 20));
  CHECK(line.bytes_per_hour == Approx(16 * kMiB * 3600));
  CHECK(line.r_squared == Approx(1.0));
  CHECK(line.grew_share == 1.0);
  CHECK(line.steady);
  REQUIRE(line.since_seconds);
  CHECK(*line.since_seconds == 0);

  // By hand: (0,0) (1,2) (2,1) (3,3): slope 4/5 per second, R² 16/25, 2 of 3 intervals grew;
  // not the last minus the first (1 per second).
  auto zigzag = analysis::growthSeries("z", "", {{0, 0}, {1, 2}, {2, 1}, {3, 3}});
  CHECK(zigzag.bytes_per_hour == Approx(0.8 * 3600));
  CHECK(zigzag.r_squared == Approx(0.64));
  CHECK(zigzag.grew_share == Approx(2.0 / 3));
  CHECK(!zigzag.steady);  // three bytes are no growth

  // Flat, then a leak from the third snapshot: steady since then.
  auto late = analysis::growthSeries("l", "", samples(8, 10, [](double, size_t i) {
                                       return i < 3 ? kGiB : kGiB + 64 * kMiB * (i - 2);
                                     }));
  CHECK(late.steady);
  REQUIRE(late.since_seconds);
  CHECK(*late.since_seconds == 20);

  // A constant and a single sample are no growth and divide by nothing.
  auto flat = analysis::growthSeries("f", "", samples(6, 1, [](double, size_t) { return kGiB; }));
  CHECK(flat.bytes_per_hour == 0);
  CHECK(flat.r_squared == 0);
  CHECK(!flat.steady);
  auto one = analysis::growthSeries("o", "", {{0, 5}});
  CHECK(one.bytes_per_hour == 0);
  CHECK(!one.steady);
  // Two points always fit a line: not enough to call it a trend.
  CHECK(!analysis::growthSeries("t", "", {{0, 0}, {1, int64_t{1} << 30}}).steady);
}

TEST_CASE("growth: ±1% jitter never looks steady, a 16 MiB/s leak in 6 snapshots does",
          "[growth]") {
  std::mt19937 rng(14);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (double level : {64 * kMiB, kGiB, 200 * kGiB}) {
    for (int trial = 0; trial < 2000; ++trial) {
      auto s = analysis::growthSeries(
          "j", "", samples(6, 1, [&](double, size_t) { return level * (1 + 0.01 * unit(rng)); }));
      INFO("level " << level << " trial " << trial);
      REQUIRE(!s.steady);
    }
    // The worst case for a line through jitter: a step from -1% to +1% half way, rising; and
    // a monotonic creep within ±1%, which is as steady as a series can be.
    CHECK(!analysis::growthSeries(
               "step", "",
               samples(6, 1, [&](double, size_t i) { return level * (i < 3 ? 0.99 : 1.01); }))
               .steady);
    CHECK(!analysis::growthSeries("creep", "",
                                  samples(6, 1,
                                          [&](double, size_t i) {
                                            return level * (0.99 + 0.004 * static_cast<double>(i));
                                          }))
               .steady);
  }
  // 16 MiB/s on top of a cgroup's 256 MiB with the same jitter: steady every time.
  for (int trial = 0; trial < 2000; ++trial) {
    auto s = analysis::growthSeries("leak", "", samples(6, 1, [&](double t, size_t) {
                                      return 256 * kMiB * (1 + 0.01 * unit(rng)) + 16 * kMiB * t;
                                    }));
    INFO("trial " << trial);
    REQUIRE(s.steady);
    REQUIRE(s.bytes_per_hour == Approx(16 * kMiB * 3600).epsilon(0.1));
  }
}

TEST_CASE("growth: a bundle of one moment has no Growth part and reports as before", "[growth]") {
  test::TempDir dir;
  const analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  const report::Report r = analysis::analyze(d);
  CHECK(!r.growth);
  CHECK(count(r, "growing-unmapped") + count(r, "growing-cgroup") == 0);
}

TEST_CASE("growth: a flat series with ±1% jitter fires no growing-* finding", "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    test::SeriesPlan plan;
    plan.jitter = 0.01;
    plan.seed = seed;
    d.series = test::makeSeries(d, plan);
    const report::Report r = analysis::analyze(d);
    REQUIRE(r.growth);
    CHECK(r.growth->snapshots == 6);
    CHECK(r.growth->seconds == 5);
    INFO("seed " << seed);
    CHECK(count(r, "growing-unmapped") == 0);
    CHECK(count(r, "growing-cgroup") == 0);
  }
}

TEST_CASE("growth: anonymous memory no process maps, growing in a cgroup: growing-unmapped",
          "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  const analysis::ProcessData& p = processInCgroup(d);
  const std::string cgroup = p.cgroup_path;
  const double rate = kLeak;
  d.series = test::makeSeries(d, leakPlan(p, false));
  const report::Report r = analysis::analyze(d);
  const report::Finding* f = finding(r, "growing-unmapped");
  REQUIRE(f);
  CHECK(f->severity == report::Severity::kWarning);
  const auto& facts = std::get<report::GrowingUnmappedFacts>(f->facts);
  CHECK(!facts.residual);
  REQUIRE(!facts.cgroups.empty());
  CHECK(facts.cgroups.front().path == cgroup);
  CHECK(facts.cgroups.front().unmapped.bytes_per_hour == Approx(rate * 3600).epsilon(0.1));
  CHECK(facts.cgroups.front().unmapped.since_unix_time);
  REQUIRE(!f->cgroups.empty());
  CHECK(f->cgroups.front().path == cgroup);
  CHECK(f->bytes.value() == Approx(5 * rate).epsilon(0.1));
  // The ledger shows the growth where it is, and the residual does not move.
  for (const report::GrowthSeries& s : r.growth->ledger) {
    if (s.id == "anon_lru_active") CHECK(s.bytes_per_hour == Approx(rate * 3600).epsilon(0.1));
    if (s.id == "residual") CHECK(!s.steady);
  }
}

TEST_CASE("growth: a cgroup whose processes map what it grows by: growing-cgroup", "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  const analysis::ProcessData& p = processInCgroup(d);
  const std::string cgroup = p.cgroup_path;
  const double rate = kLeak;
  d.series = test::makeSeries(d, leakPlan(p, true));
  const report::Report r = analysis::analyze(d);
  CHECK(count(r, "growing-unmapped") == 0);
  REQUIRE(count(r, "growing-cgroup") == 1);  // not its ancestors as well
  const report::Finding* f = finding(r, "growing-cgroup");
  const auto& facts = std::get<report::GrowingCgroupFacts>(f->facts);
  CHECK(facts.path == cgroup);
  CHECK(facts.figure == "usage");
  // Within 10% of the true rate, as the live test will ask of a real leak.
  CHECK(facts.trend.bytes_per_hour == Approx(rate * 3600).epsilon(0.1));
  CHECK(facts.anon_per_hour);
  // 56.3 GiB an hour is a tenth of this small host within a day: a warning.
  CHECK(f->severity == report::Severity::kWarning);
  // The process is the fastest in the Growth part, matched by pid and start time.
  REQUIRE(!r.growth->processes.empty());
  CHECK(r.growth->processes.front().pid == p.pid);
  CHECK(r.growth->processes.front().start_time == p.start_time);
  REQUIRE(!r.growth->cgroups.empty());
  CHECK(r.growth->cgroups.size() <= report::kMaxGrowthRows);
}

TEST_CASE("growth: a small steady leak is kept among large jittering workloads", "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  const analysis::ProcessData& p = processInCgroup(d);
  // Twenty 100 GiB workloads whose ±1% jitter moves them by gigabytes an hour, far faster than
  // the leak: the table and the rule still have the leaking cgroup.
  for (int i = 0; i < 20; ++i) {
    analysis::CgroupData big;
    big.hierarchy = d.cgroups.front().hierarchy;
    big.path = "/big-" + std::to_string(i) + ".service";
    big.usage = ByteCount(uint64_t{100} << 30);
    big.stat_anon = ByteCount(uint64_t{100} << 30);
    d.cgroups.push_back(big);
  }
  d.series = test::makeSeries(d, leakPlan(p, true));
  const report::Report r = analysis::analyze(d);
  REQUIRE(r.growth->cgroups_moved > report::kMaxGrowthRows);
  CHECK(r.growth->cgroups.size() == report::kMaxGrowthRows);
  CHECK(r.growth->cgroups.front().path == p.cgroup_path);
  REQUIRE(count(r, "growing-cgroup") == 1);
  CHECK(std::get<report::GrowingCgroupFacts>(finding(r, "growing-cgroup")->facts).path ==
        p.cgroup_path);
}

TEST_CASE("growth: memory outside every counter growing: growing-unmapped on the residual",
          "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  test::SeriesPlan plan;
  plan.jitter = 0.01;
  plan.meminfo["MemFree"] = -16 * kMiB;  // taken by nothing any line counts
  d.series = test::makeSeries(d, plan);
  const report::Report r = analysis::analyze(d);
  REQUIRE(count(r, "growing-unmapped") == 1);
  const auto& facts = std::get<report::GrowingUnmappedFacts>(finding(r, "growing-unmapped")->facts);
  CHECK(facts.residual);
  REQUIRE(facts.host);
  CHECK(facts.host->bytes_per_hour == Approx(16 * kMiB * 3600).epsilon(0.05));
  CHECK(count(r, "growing-cgroup") == 0);
}

TEST_CASE("growth: every format shows the Growth section and the findings", "[growth]") {
  test::TempDir dir;
  analysis::BundleData d = test::loadCorpusCase("healthy-x86", dir.path().string());
  const analysis::ProcessData& p = processInCgroup(d);
  test::SeriesPlan plan = leakPlan(p, true);
  plan.jitter = 0;  // the figures the renderings are checked for are exact
  plan.meminfo["MemFree"] = -8 * kMiB;
  d.series = test::makeSeries(d, plan);
  const report::Report r = analysis::analyze(d);
  REQUIRE(finding(r, "growing-cgroup"));
  REQUIRE(finding(r, "growing-unmapped"));

  std::string text;
  report::renderText(r, text);
  CHECK(text.find("\nGROWTH\n======\n6 snapshots over 5s, one every 1s, from "
                  "2026-12-03T16:00:00Z to 2026-12-03T16:00:05Z") != std::string::npos);
  CHECK(text.find("[WARNING] growing-cgroup") != std::string::npos);
  CHECK(text.find("Memory cgroup " + p.cgroup_path + " grows steadily") != std::string::npos);
  CHECK(text.find("Residual: accounted for by nobody") != std::string::npos);
  CHECK(text.find("steady from 0s") != std::string::npos);

  std::string md;
  report::renderMarkdown(r, md);
  CHECK(md.find("### Growth\n\n6 snapshots over 5s") != std::string::npos);
  CHECK(md.find("#### Memory cgroups") != std::string::npos);
  CHECK(md.find("| part | first | last | change | per hour | trend |") != std::string::npos);

  std::string html;
  report::renderHtml(r, html);
  CHECK(html.find("<section id=\"growth\">") != std::string::npos);
  CHECK(html.find("<svg viewBox=\"0 0 520 200\"") != std::string::npos);
  CHECK(html.find("time since the first snapshot") != std::string::npos);
  CHECK(html.find("<polyline") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);

  std::string json;
  report::renderJson(r, json);
  const nlohmann::json j = nlohmann::json::parse(json);
  REQUIRE(j.contains("growth"));
  CHECK(j["schema"] == "memsift-report/2");
  CHECK(j["growth"]["snapshots"] == 6);
  CHECK(j["growth"]["ledger"].back()["id"] == "residual");
  CHECK(j["growth"]["ledger"].back()["steady"] == true);
  CHECK(j["growth"]["processes"][0]["pid"] == p.pid);
  CHECK(j["growth"]["processes"][0]["figures"][0]["samples"].size() == 6);
  bool worded = false;
  for (const auto& f : j["findings"])
    worded |= f["summary"] == "Memory cgroup " + p.cgroup_path +
                                  " grows steadily (its usage) at +56.3 GiB/h since "
                                  "2026-12-03T16:00:00Z (6 snapshots over 5s).";
  CHECK(worded);
  const test::SchemaCheck schema = test::validateReportJson(json);
  INFO(schema.out);
  CHECK(schema.valid);
}
