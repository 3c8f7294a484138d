// memsift export: the same tables whatever -j is, and a file that is not a bundle gets a hosts
// row with its error, not a failed export.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace memsift;

namespace {

std::string bin(const char* name) {
  return (test::binDir() / name).string();
}

std::string collected(const test::TempDir& dir, const std::string& gen_case) {
  const std::string root = (dir / gen_case).string(), out = root + ".tar.zst";
  REQUIRE(test::run(bin("memsift-testgen") + " " + gen_case + " " + root + " --expect " + root +
                    ".json")
              .exit_code == 0);
  REQUIRE(
      test::run(bin("memsift-collect") + " -q --no-nice --root " + root + " -o " + out).exit_code ==
      0);
  return out;
}

}  // namespace

TEST_CASE("export: tables do not depend on -j; an unreadable bundle is a row, exit 4") {
  test::TempDir dir;
  const std::string a = collected(dir, "healthy-x86"), b = collected(dir, "arm64-16k-thp");
  test::writeFile(dir / "junk.tar.zst", "not a bundle at all\n");
  const std::string junk = (dir / "junk.tar.zst").string();
  const std::string list = a + " " + junk + " " + b + " " + a;
  auto one =
      test::run(bin("memsift") + " export " + list + " -o " + (dir / "j1").string() + " -j 1 2>&1");
  auto three =
      test::run(bin("memsift") + " export " + list + " -o " + (dir / "j3").string() + " -j 3 2>&1");
  INFO(one.out);
  CHECK(one.exit_code == 4);
  CHECK(three.exit_code == 4);
  for (const char* table :
       {"hosts", "findings", "ledger", "frame_categories", "cgroups", "processes"}) {
    INFO(table);
    const std::string t1 = test::readFile(dir / "j1" / (std::string(table) + ".ndjson"));
    CHECK(t1 == test::readFile(dir / "j3" / (std::string(table) + ".ndjson")));
    if (std::string(table) != "findings") CHECK(!t1.empty());
  }
  std::vector<nlohmann::json> hosts;
  std::istringstream lines(test::readFile(dir / "j1/hosts.ndjson"));
  for (std::string line; std::getline(lines, line);)
    hosts.push_back(nlohmann::json::parse(line));
  REQUIRE(hosts.size() == 4);
  CHECK(hosts[0]["hostname"] == "healthy-x86");
  CHECK(hosts[0]["findings"] == 0);
  CHECK(hosts[1]["bundle"] == junk);
  CHECK(hosts[1]["error"].is_string());
  CHECK(hosts[2]["hostname"] == "arm64-16k-thp");
  CHECK(hosts[3]["bundle"] == a);
}
