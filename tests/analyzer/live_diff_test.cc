// Live, as root (issue 14): a process leaks pipe-held anonymous pages at a steady rate; two
// bundles 15 seconds apart, compared by memsift diff, give that rate for its cgroup within
// 10%.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/analyzer/live_children.h"
#include "tests/test_support.h"

using namespace memsift;

TEST_CASE("live: diff of two bundles gives a steady leak's rate in its cgroup") {
  test::requireRootWithPageFlags();
  if (test::memoryCgroupRoot().empty()) test::skipTest("no memory cgroup hierarchy mounted");
  constexpr uint64_t kRate = 16u << 20;  // bytes per second
  test::LiveChild leaker;
  const std::string name = "memsift-diff-leak-" + std::to_string(getpid());
  test::startLiveChild(leaker, name, [](int fd) { test::leakSteadily(kRate, 60, fd); });
  test::TempDir dir;
  auto collect = [&](const std::string& out) {
    auto r = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice -o " + out +
                       " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  };
  const std::string a = (dir / "a.tar.zst").string(), b = (dir / "b.tar.zst").string();
  collect(a);
  // The diff's elapsed time is the uptime between the two collections' starts, while each reads
  // its page frames a moment after its start, a moment that varies with the machine's load (a
  // second or two under a parallel ctest): 15 s keep that skew within the 10% asked for.
  std::this_thread::sleep_for(std::chrono::seconds(15));
  collect(b);
  auto r = test::run((test::binDir() / "memsift").string() + " diff " + a + " " + b +
                     " -f json 2>/dev/null");
  INFO(r.out.substr(0, 4000));
  REQUIRE(r.exit_code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["same_boot"] == true);
  CHECK(j["elapsed_source"] == "uptime");
  const std::string path = std::string("/").append(name);
  const nlohmann::json* mine = nullptr;
  for (const nlohmann::json& c : j["cgroups"])
    if (c["path"] == path) mine = &c;
  REQUIRE(mine != nullptr);
  const double per_hour = (*mine)["unmapped_anon"]["bytes_per_hour"].get<double>();
  CAPTURE(per_hour / 3600 / (1 << 20));
  CHECK(per_hour == Approx(static_cast<double>(kRate) * 3600).epsilon(0.10));
}
