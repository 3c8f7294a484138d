// bundle::Manifest: the fields typed, with the defaults older bundles mean, written and read back.
#include <bit>
#include <catch2/catch.hpp>

#include "common/bundle/bundle_format.h"
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

TEST_CASE("manifest: written from its typed fields, checked and read back the same") {
  Manifest m;
  m.page_size = PageSize(16384);
  m.big_endian = true;
  m.kpagecgroup_hierarchy = 1;
  m.hierarchies = {{.id = 0, .version = 1, .mount_point = "/sys/fs/cgroup/memory", .root = "/"},
                   {.id = 1, .version = 2, .mount_point = "/sys/fs/cgroup", .root = "/docker/x"}};
  m.host = {.hostname = "box\xff",  // not UTF-8: a host name may be any bytes
            .kernel_release = "6.1.0-18-arm64-16k",
            .kernel_version = "Linux version 6.1.0",
            .arch = "aarch64",
            .page_size_source = "--page-size",
            .byte_order_source = "--byte-order",
            .uptime_seconds = 12.5,
            .start_time_unix = 1764082200,
            .start_time_utc = "2025-11-25T14:50:00Z"};
  m.cgroup_inodes_from = "--cgroup-inodes inodes.tsv";
  m.options = {{"root", "/mnt/copy"}, {"smaps", true}};
  m.euid = 0;
  m.priority = {{"nice", 10}};

  const std::string text = manifestText(manifestJson(m));
  CHECK(text.back() == '\n');
  const nlohmann::json json = nlohmann::json::parse(text);
  CHECK(!formatProblem(json));
  CHECK(!manifestProblem(json));
  CHECK(json["format"]["name"] == "memsift-bundle");
  CHECK(json["page_chunk_frames"] == kPageChunkFrames);
  CHECK(json["host"]["byte_order"] == "big");
  CHECK(json["host"]["hostname"] == "box\xef\xbf\xbd");  // U+FFFD
  CHECK(json["memory_cgroups"]["map"] == "cgroups.tsv");
  CHECK(json["derived_members"]["meminfo_after"] == "proc/meminfo.after");

  const Manifest back = readManifest(json);
  CHECK(back.page_size.bytes() == 16384);
  CHECK(back.big_endian == true);
  CHECK(back.kpagecgroup_hierarchy == 1);
  REQUIRE(back.hierarchies.size() == 2);
  CHECK(back.hierarchies[1].id == 1);
  CHECK(back.hierarchies[1].version == 2);
  CHECK(back.hierarchies[1].mount_point == "/sys/fs/cgroup");
  CHECK(back.hierarchies[1].root == "/docker/x");
  CHECK(back.host.hostname == "box\xef\xbf\xbd");
  CHECK(back.host.kernel_release == m.host.kernel_release);
  CHECK(back.host.kernel_version == m.host.kernel_version);
  CHECK(back.host.arch == m.host.arch);
  CHECK(back.host.page_size_source == m.host.page_size_source);
  CHECK(back.host.byte_order_source == m.host.byte_order_source);
  CHECK(back.host.uptime_seconds == 12.5);
  CHECK(back.host.start_time_unix == m.host.start_time_unix);
  CHECK(back.host.start_time_utc == m.host.start_time_utc);
  CHECK(back.cgroup_inodes_from == m.cgroup_inodes_from);
  CHECK(back.options == m.options);
  CHECK(back.euid == 0u);
  CHECK(back.priority == m.priority);
}

TEST_CASE("manifest: an unknown uptime and no kpagecgroup hierarchy are written as null") {
  const nlohmann::json json = manifestJson(Manifest{});
  CHECK(json["host"]["uptime_seconds"].is_null());
  CHECK(json["memory_cgroups"]["kpagecgroup_hierarchy"].is_null());
  CHECK(!json["host"].contains("byte_order"));  // unknown: readers keep their default
  CHECK(json["memory_cgroups"]["inodes_from"] == "st_ino");
}
