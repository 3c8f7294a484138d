// Live, as root (issue 14 §1): a process leaks pipe-held anonymous pages at a steady known rate in
// a memory cgroup of its own while memsift-collect takes a series (--every 1 --count 6); the
// slope of that cgroup's usage over the loaded snapshots is the rate within 10%, and so is the
// report's growth for that cgroup, which names it in a growing-cgroup finding.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "tests/analyzer/live_children.h"
#include "tests/test_support.h"

using namespace memsift;

namespace {

// The least-squares slope of y over x: the rate that fits every snapshot, not just the ends
// (one late snapshot moves last-minus-first, it barely moves this).
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace

TEST_CASE("live: a series gives a steady leak's rate as the slope of its cgroup's usage") {
  test::requireRootWithPageFlags();
  if (test::memoryCgroupRoot().empty()) test::skipTest("no memory cgroup hierarchy mounted");
  constexpr uint64_t kRate = 16u << 20;  // bytes per second
  test::LiveChild leaker;
  const std::string name = "memsift-series-leak-" + std::to_string(getpid());
  test::startLiveChild(leaker, name, [](int fd) { test::leakSteadily(kRate, 60, fd); });
  test::TempDir dir;
  const std::string out = (dir / "s.tar.zst").string();
  auto r = test::run((test::binDir() / "memsift-collect").string() +
                     " -q --no-nice --every 1 --count 6 -o " + out + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);

  const analysis::BundleData d = analysis::loadBundle(out);
  REQUIRE(d.series);
  REQUIRE(d.series->snapshots.size() == 6);
  std::vector<double> seconds, usage;
  for (const analysis::Snapshot& s : d.series->snapshots) {
    for (const analysis::SeriesCgroup& c : s.cgroups) {
      if (c.path != "/" + name || !c.usage) continue;
      seconds.push_back(s.seconds);
      usage.push_back(static_cast<double>(c.usage->value()));
    }
  }
  CAPTURE(seconds, usage);
  REQUIRE(seconds.size() == 6);  // the cgroup in every snapshot, the final one too
  CHECK(seconds.back() == Approx(5).margin(1.0));
  const double rate = slope(seconds, usage);
  CAPTURE(rate / (1 << 20));
  CHECK(rate == Approx(static_cast<double>(kRate)).epsilon(0.10));

  // The report says the same: its Growth part for the cgroup, and a finding about it.
  auto report = test::run((test::binDir() / "memsift").string() + " report " + out + " -f json");
  REQUIRE(report.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(report.out);
  const nlohmann::json* usage_growth = nullptr;
  for (const nlohmann::json& c : j["growth"]["cgroups"]) {
    if (c["path"] != "/" + name) continue;
    for (const nlohmann::json& f : c["figures"]) {
      if (f["id"] == "usage") usage_growth = &f;
    }
  }
  REQUIRE(usage_growth != nullptr);
  CAPTURE(usage_growth->dump());
  CHECK((*usage_growth)["bytes_per_hour"].get<double>() ==
        Approx(static_cast<double>(kRate) * 3600).epsilon(0.10));
  CHECK((*usage_growth)["steady"] == true);
  bool named = false;
  for (const nlohmann::json& f : j["findings"]) {
    if (f["id"] == "growing-cgroup" && f.dump().find(name) != std::string::npos) named = true;
  }
  CHECK(named);
  // The collector's own process (manifest.collector.pid) is not among the processes that grew.
  for (const nlohmann::json& p : j["growth"]["processes"])
    CHECK(p["comm"] != "memsift-collect");
}
