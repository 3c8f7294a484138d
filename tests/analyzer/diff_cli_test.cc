// memsift diff: the same generated host before and after its leak grew (arm64-16k-thp at 50%
// and 100% of its 64 leaked THPs, an hour of uptime apart), a different host refused.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace memsift;
using nlohmann::json;

namespace {

std::string bin(const char* name) {
  return (test::binDir() / name).string();
}

// A generated root of `gen_case` with `options`, collected into DIR/NAME.tar.zst.
std::string bundleOf(const test::TempDir& dir, const std::string& name, const std::string& gen_case,
                     const std::string& options) {
  const std::string root = (dir / name).string(), out = (dir / (name + ".tar.zst")).string();
  auto gen = test::run(bin("memsift-testgen") + " " + gen_case + " " + root + " " + options +
                       " --expect " + (dir / (name + ".json")).string());
  REQUIRE(gen.exit_code == 0);
  auto collect =
      test::run(bin("memsift-collect") + " -q --no-nice --root " + root + " -o " + out + " 2>&1");
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("diff: a leak that grew is found in its cgroup and category, with its rate") {
  test::TempDir dir;
  const std::string before = bundleOf(dir, "before", "arm64-16k-thp", "--leak-percent 50");
  const std::string after = bundleOf(dir, "after", "arm64-16k-thp", "--uptime-add 3600");
  auto r = test::run(bin("memsift") + " diff " + before + " " + after + " -f json");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j["schema"] == "memsift-diff/1");
  CHECK(j["same_host"] == true);
  CHECK(j["same_boot"] == true);
  CHECK(j["elapsed_source"] == "uptime");
  CHECK(j["elapsed_seconds"].get<double>() == Approx(3600));
  constexpr int64_t kGrowth = 32ll << 25;  // 32 more THPs of 32 MiB
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["id"] == "unmapped-anon-thp");
  CHECK(j["findings"][0]["status"] == "grew");
  CHECK(j["findings"][0]["change_bytes"] == kGrowth);
  CHECK(j["findings"][0]["bytes_per_hour"].get<double>() == Approx(kGrowth));
  bool category = false;
  for (const json& c : j["categories"]) {
    if (c["id"] == "anon_thp_unmapped") {
      category = true;
      CHECK(c["change_bytes"] == kGrowth);
    }
  }
  CHECK(category);
  REQUIRE(!j["category_cgroups"].empty());
  CHECK(j["category_cgroups"][0]["category"] == "anon_thp_unmapped");
  CHECK(j["category_cgroups"][0]["cgroup"] == "/machine.slice/vm-storage01.scope");
  CHECK(j["category_cgroups"][0]["change_bytes"] == kGrowth);
  CHECK(j["processes_appeared"] == 0);
  CHECK(j["processes_gone"] == 0);

  // The same in words, in every format.
  auto text = test::run(bin("memsift") + " diff " + before + " " + after);
  CHECK_THAT(text.out, Catch::Contains("1h 0m apart (by uptime); same boot."));
  CHECK_THAT(text.out, Catch::Contains("unmapped-anon-thp  warning   grew"));
  for (const char* format : {"markdown", "html"}) {
    auto out = test::run(bin("memsift") + " diff " + before + " " + after + " -f " + format);
    CHECK(out.exit_code == 0);
    CHECK_THAT(out.out, Catch::Contains("/machine.slice/vm-storage01.scope"));
  }
}

TEST_CASE("diff: bundles of different hosts are refused unless --force") {
  test::TempDir dir;
  const std::string a = bundleOf(dir, "a", "arm64-16k-thp", "");
  const std::string b = bundleOf(dir, "b", "healthy-x86", "");
  auto refused = test::run(bin("memsift") + " diff " + a + " " + b);
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.out, Catch::Contains("the bundles are of different hosts (arm64-16k-thp, "));
  auto forced = test::run(bin("memsift") + " diff " + a + " " + b + " --force -f json 2>/dev/null");
  REQUIRE(forced.exit_code == 0);
  const json j = json::parse(forced.out);
  CHECK(j["forced"] == true);
  CHECK(j["same_host"] == false);
}
