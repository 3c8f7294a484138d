// bundle::readManifest: the fields readers act on, typed, with the defaults older bundles mean.
#include <bit>
#include <catch2/catch.hpp>

#include "common/bundle/manifest.h"

using namespace memsift;
using namespace memsift::bundle;

TEST_CASE("manifest: host facts and cgroup hierarchies, typed") {
  const auto json = nlohmann::json::parse(R"({
    "host": {"page_size": 65536, "byte_order": "big"},
    "memory_cgroups": {"kpagecgroup_hierarchy": 3, "hierarchies": [
      {"id": 3, "version": 1, "mount_point": "/sys/fs/cgroup/memory/"},
      {"version": 2, "mount_point": "/"},
      {"id": 4}
    ]}})");
  const Manifest m = readManifest(json);
  CHECK(m.page_size.bytes() == 65536);
  REQUIRE(m.big_endian);
  CHECK(*m.big_endian);
  CHECK(m.tablesNeedByteSwap() == (std::endian::native == std::endian::little));
  CHECK(m.kpagecgroup_hierarchy == 3);
  REQUIRE(m.hierarchies.size() == 2);  // the one without a mount point is no use
  CHECK(m.hierarchies[0].id == 3);
  CHECK(m.hierarchies[0].memberPrefix() == "sys/fs/cgroup/memory");
  CHECK(!m.hierarchies[1].id);
  CHECK(m.hierarchies[1].version == 2);
  CHECK(m.hierarchies[1].memberPrefix() == "");
}

TEST_CASE("manifest: what an older or smaller manifest leaves out") {
  const Manifest m = readManifest(nlohmann::json::parse(R"({"format": {"major": 1}})"));
  CHECK(m.page_size.bytes() == 4096);
  CHECK(!m.big_endian);
  CHECK(!m.tablesNeedByteSwap());  // no byte order: the tables are taken as they are
  CHECK(!m.kpagecgroup_hierarchy);
  CHECK(m.hierarchies.empty());
}
