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

TEST_CASE("a mistyped command gets one line and a suggestion, not the whole usage (exit 2)") {
  auto r = test::run(memsiftCmd("reprot b.tar.zst"));
  CHECK(r.exit_code == 2);
  CHECK(r.out == "memsift: unknown command 'reprot'; did you mean 'report'?\n");
  r = test::run(memsiftCmd("page-type b.tar.zst"));
  CHECK(r.out == "memsift: unknown command 'page-type'; did you mean 'page-types'?\n");
  r = test::run(memsiftCmd("frobnicate x"));
  CHECK(r.exit_code == 2);
  CHECK(r.out ==
        "memsift: unknown command 'frobnicate' (commands: report, page-types, diff, export, frame, "
        "info, list, extract; see memsift --help)\n");
}

TEST_CASE("a file that is not a bundle is named for what it is (exit 3)") {
  test::TempDir dir;
  test::writeFile(dir / "data", std::string(2048, 'x'));
  const std::string d = std::string("'").append(dir.path().string()).append("'");
  REQUIRE(test::run("cd " + d + " && gzip -c data > b.tar.gz && xz -c data > b.xz && bzip2 -c " +
                    "data > b.bz2 && tar cf b.tar data && : > empty")
              .exit_code == 0);
  const std::pair<const char*, const char*> kinds[] = {
      {"b.tar.gz", "this is gzip-compressed data"},
      {"b.xz", "this is xz-compressed data"},
      {"b.bz2", "this is bzip2-compressed data"},
      {"b.tar", "this is an uncompressed tar archive"},
      {"empty", "this is an empty file"},
  };
  for (const auto& [file, says] : kinds) {
    auto r = test::run(memsiftCmd("report " + (dir / file).string()));
    INFO(r.out);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out,
               Catch::StartsWith(std::string("memsift report: not a memsift bundle: ") + says +
                                 " (memsift-collect writes a tar archive compressed with "
                                 "zstd, *.tar.zst"));
    CHECK(r.out.find("Unknown frame descriptor") == std::string::npos);
  }
}

TEST_CASE("a report marked PARTIAL exits 4; a report's output device is named when it fails") {
  test::TempDir dir;
  // No process was captured: the report says PARTIAL, and its exit code must agree.
  auto r = test::run(memsiftCmd("report " + writeBundle(dir).string()));
  INFO(r.out);
  CHECK_THAT(r.out, Catch::Contains("PARTIAL REPORT"));
  CHECK(r.exit_code == 4);
  if (std::filesystem::exists("/dev/full")) {
    r = test::run(memsiftCmd("report " + writeBundle(dir).string() + " -o /dev/full"));
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.out, Catch::Contains("cannot write /dev/full: No space left on device"));
  }
}

TEST_CASE("subcommand help names arguments and values, not Boost's placeholders") {
  auto r = test::run(memsiftCmd("report --help"));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(" arg") == std::string::npos);
  CHECK(r.out.find("--bundle") == std::string::npos);
  CHECK_THAT(r.out, Catch::Contains("  BUNDLE  the bundle (- for stdin)") &&
                        Catch::Contains("-f [ --format ] FORMAT (=text)") &&
                        Catch::Contains("--top N (=20)"));
  r = test::run(memsiftCmd("extract --help"));
  CHECK_THAT(r.out, Catch::Contains("  DIR     a new or empty directory to extract into"));
  CHECK(r.out.find(" arg") == std::string::npos);
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
  for (const char* cmd : {"info", "page-types"}) {
    auto r = test::run(memsiftCmd(std::string(cmd) + " " + path.string()));
    INFO(cmd << ": " << r.out);
    CHECK(r.exit_code == 0);
  }
  // The report is partial (no process was captured): exit 4, not a crash.
  auto r = test::run(memsiftCmd("report --format json " + path.string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 4);
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
