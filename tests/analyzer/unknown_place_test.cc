// Issue 13 §3: a bundle that cannot know a finding's memory cgroup (no kpagecgroup) or NUMA node
// (no memory-block data, no zoneinfo) says "unknown" and which table is missing, in every
// format, instead of "(not charged)" and "no node"; where kpagecgroup exists, inode 0 still reads
// "not charged".
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/analyzer/generated_bundle.h"

using namespace memsift;
using nlohmann::json;

namespace {

const json& findingOf(const json& report, const std::string& id) {
  for (const json& f : report["findings"])
    if (f["id"] == id) return f;
  FAIL("no " << id << " finding");
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("unknown: the seed without kpagecgroup, memory blocks and zoneinfo", "[unknown]") {
  test::GeneratedBundle seed("seed", /*restricted=*/true, "", /*without_zoneinfo=*/true);
  const json j = json::parse(seed.report("json"));
  const json& thp = findingOf(j, "unmapped-anon-thp");
  CHECK(thp["cgroup_unknown"] == "no-kpagecgroup");
  CHECK(thp["node_unknown"] == "no-memory-layout");
  CHECK(thp["cgroups"].empty());
  CHECK(thp["nodes"].empty());
  CHECK_THAT(thp["summary"].get<std::string>(),
             Catch::Contains("Its memory cgroup is unknown: the bundle has no proc/kpagecgroup "
                             "table"));
  for (const std::string format : {"text", "markdown", "html"}) {
    INFO(format);
    const std::string out = seed.report(format);
    CHECK_THAT(out, Catch::Contains("unknown: the bundle has no proc/kpagecgroup table") &&
                        Catch::Contains("unknown: the bundle has neither memory-block data"));
    CHECK(out.find("(not charged)") == std::string::npos);
    CHECK(out.find("no node") == std::string::npos);
  }
}

TEST_CASE("unknown: with kpagecgroup and a layout, nothing is unknown", "[unknown]") {
  test::GeneratedBundle seed("seed");
  const json j = json::parse(seed.report("json"));
  const json& thp = findingOf(j, "unmapped-anon-thp");
  CHECK_FALSE(thp.contains("cgroup_unknown"));
  CHECK_FALSE(thp.contains("node_unknown"));
  CHECK_FALSE(thp["cgroups"].empty());
  CHECK(seed.report("text").find("unknown: the bundle has") == std::string::npos);
}
