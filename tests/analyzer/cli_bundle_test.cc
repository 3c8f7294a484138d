// memsift list, info and extract on bundles written by the bundle writer.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/bundle/bundle_writer.h"
#include "common/bundle/byte_stream.h"
#include "tests/test_support.h"

using namespace memsift;
using namespace memsift::bundle;

namespace {

std::string frames(uint64_t n, uint64_t base) {
  std::string s(n * 8, '\0');
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t v = base + i;
    std::memcpy(s.data() + i * 8, &v, 8);
  }
  return s;
}

// Two chunk ranges (the second short), a text source in two parts, a denied source.
std::filesystem::path writeBundle(const test::TempDir& dir, bool finish = true) {
  auto path = dir / "b.tar.zst";
  OutputFile out(path);
  BundleWriter w(out, {});
  w.writeManifest({{"host", {{"hostname", "box"}, {"page_size", 4096}}}});
  w.addMember("proc/meminfo", "MemTotal: 100 kB\n");
  w.addMember("proc/1/smaps", "part one\n");
  w.addMember("proc/1/smaps.part2", "part two\n");
  for (uint64_t start : {uint64_t{0}, kPageChunkFrames}) {
    uint64_t n = start == 0 ? kPageChunkFrames : 1000;
    std::string flags = frames(n, start), counts = frames(n, 7);
    w.addPageChunk(PageTable::kFlags, Pfn(start), std::as_bytes(std::span(flags)));
    w.addPageChunk(PageTable::kCount, Pfn(start), std::as_bytes(std::span(counts)));
  }
  w.recordSource("proc/kpagecgroup", SourceStatus::kAbsent, "no CONFIG_MEMCG");
  if (finish) w.finish(true);
  out.commit();
  return path;
}

std::string memsiftCmd(const std::string& args) {
  return (test::binDir() / "memsift").string() + " " + args;
}

}  // namespace

TEST_CASE("memsift extract reassembles page tables and joins text parts") {
  test::TempDir dir;
  auto bundle = writeBundle(dir);
  auto r = test::run(memsiftCmd("extract " + bundle.string() + " " + (dir / "x").string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(test::readFile(dir / "x/proc/meminfo") == "MemTotal: 100 kB\n");
  CHECK(test::readFile(dir / "x/proc/1/smaps") == "part one\npart two\n");
  CHECK(!std::filesystem::exists(dir / "x/proc/1/smaps.part2"));
  std::string flags = test::readFile(dir / "x/proc/kpageflags");
  REQUIRE(flags.size() == (kPageChunkFrames + 1000) * 8);
  CHECK(flags == frames(kPageChunkFrames, 0) + frames(1000, kPageChunkFrames));
  CHECK(!std::filesystem::exists(dir / "x/proc/kpagecgroup"));
  // manifest.json and index.json as they are in the bundle, not re-serialized.
  for (const char* member : {"manifest.json", "index.json"}) {
    auto tar = test::run("tar --zstd -xOf " + bundle.string() + " " + member);
    CHECK(test::readFile(dir / "x" / member) == tar.out);
  }

  // Never into a directory that already has something in it.
  auto again = test::run(memsiftCmd("extract " + bundle.string() + " " + (dir / "x").string()));
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.out, Catch::Contains("is not empty"));
}

TEST_CASE("memsift info shows host facts, table sizes and missing sources") {
  test::TempDir dir;
  auto r = test::run(memsiftCmd("info " + writeBundle(dir).string()));
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("hostname                 box"));
  CHECK_THAT(r.out, Catch::Contains("kpageflags frames        132072"));
  CHECK_THAT(r.out, Catch::Contains("kpagecgroup frames       not captured"));
  CHECK_THAT(r.out, Catch::Contains("collection: complete"));
  CHECK_THAT(r.out, Catch::Matches("(.|\n)*proc/kpagecgroup +absent +no CONFIG_MEMCG(.|\n)*"));
}

TEST_CASE("memsift info and list on a bundle without index.json exit 4 and say why") {
  test::TempDir dir;
  auto bundle = writeBundle(dir, /*finish=*/false);
  auto info = test::run(memsiftCmd("info " + bundle.string()));
  CHECK(info.exit_code == 4);
  CHECK_THAT(info.out, Catch::Contains("collection: unknown (no index.json)"));
  CHECK_THAT(info.out, Catch::Contains("damage: bundle truncated"));
  auto list = test::run(memsiftCmd("list " + bundle.string()));
  CHECK(list.exit_code == 4);
  CHECK_THAT(list.out, Catch::Contains("proc/1/smaps.part2"));
}

TEST_CASE("memsift refuses what is not a bundle with exit 3, bad usage with exit 2") {
  test::TempDir dir;
  test::writeFile(dir / "junk", "not a bundle at all");
  auto r = test::run(memsiftCmd("info " + (dir / "junk").string()));
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out, Catch::Contains("memsift info: not a memsift bundle"));
  CHECK(test::run(memsiftCmd("info")).exit_code == 2);
  CHECK(test::run(memsiftCmd("frobnicate x")).exit_code == 2);
  CHECK(test::run(memsiftCmd("info " + (dir / "missing").string())).exit_code == 3);
}

TEST_CASE("a manifest with fields missing is read with defaults, never a crash") {
  test::TempDir dir;
  auto path = dir / "odd.tar.zst";
  {
    OutputFile out(path);
    BundleWriter w(out, {});
    // No "host", no hierarchies: what a hand-made or foreign bundle may lack.
    w.writeManifest({{"memory_cgroups", nlohmann::json::object()}});
    w.addMember("proc/meminfo", "MemTotal: 1024 kB\nMemFree: 512 kB\n");
    std::string flags = frames(16, 0);
    w.addPageChunk(PageTable::kFlags, Pfn(0), std::as_bytes(std::span(flags)));
    w.finish(true);
    out.commit();
  }
  for (const char* cmd : {"report", "info", "page-types"}) {
    auto r = test::run(memsiftCmd(std::string(cmd) + " " + path.string()));
    INFO(cmd << ": " << r.out);
    CHECK(r.exit_code == 0);
  }
  auto r = test::run(memsiftCmd("report --format json " + path.string()));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"hostname\": \"\"") != std::string::npos);
}

TEST_CASE("a manifest field of the wrong type or range is refused (exit 3), naming it") {
  test::TempDir dir;
  // A string where a number belongs, an id that is text, a version that does not exist, a
  // hierarchy that is not an object: what a hand-edited or hostile bundle may hold. Read as
  // absent before, which hid the damage (and 2^32+1 was truncated to 1).
  const std::pair<nlohmann::json, std::string> cases[] = {
      {{{"memory_cgroups", {{"kpagecgroup_hierarchy", "zero"}}}},
       "memory_cgroups.kpagecgroup_hierarchy is \"zero\"; expected an integer from 0 to 1023"},
      {{{"memory_cgroups", {{"hierarchies", {{{"mount_point", "/sys/fs/cgroup"}, {"id", "a"}}}}}}},
       "memory_cgroups.hierarchies[0].id is \"a\""},
      {{{"memory_cgroups", {{"hierarchies", {{{"id", 0}, {"version", 3}}}}}}},
       "memory_cgroups.hierarchies[0].version is 3; expected an integer from 1 to 2"},
      {{{"memory_cgroups", {{"hierarchies", {7}}}}}, "memory_cgroups.hierarchies[0] is 7"},
      {{{"memory_cgroups", {{"kpagecgroup_hierarchy", 4294967297ull}}}},
       "memory_cgroups.kpagecgroup_hierarchy is 4294967297"},
      {{{"host", {{"page_size", 65536}, {"hostname", 12}}}},
       "host.hostname is 12; expected a string"},
      {{{"host", "box"}}, "host is \"box\"; expected an object"},
  };
  for (const auto& [manifest, message] : cases) {
    auto path = dir / "odd.tar.zst";
    {
      OutputFile out(path);
      BundleWriter w(out, {});
      w.writeManifest(manifest);
      w.addMember("proc/meminfo", "MemTotal: 1024 kB\nMemFree: 512 kB\n");
      w.finish(true);
      out.commit();
    }
    for (const char* cmd : {"report", "info", "list"}) {
      auto r = test::run(memsiftCmd(std::string(cmd) + " " + path.string()));
      INFO(cmd << ": " << manifest.dump() << ": " << r.out);
      CHECK(r.exit_code == 3);
      CHECK_THAT(r.out, Catch::Contains("unusable bundle: manifest.json's " + message));
    }
  }
}
