// Series wrappers (bundle format 1.3) end to end: what readers that do not know them see (tar,
// zstd, and memsift before 1.3, played by a copy whose wrapper magic is one no memsift knows),
// what memsift 1.3 reads of them (the series, list, extract), damage inside and around them, a
// series whose /dev/kmsg cannot be opened, and a 1.2 bundle read as before.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "analyzer/analysis/bundle_data.h"
#include "common/bundle/members.h"
#include "common/bundle/series_wrapper.h"
#include "tests/analyzer/generated_bundle.h"
#include "tests/test_support.h"

using namespace memsift;

namespace {

std::string collect(const test::TempDir& dir, const std::string& root, const std::string& name,
                    const std::string& options) {
  const std::string out = (dir / name).string();
  auto r = test::run((test::binDir() / "memsift-collect").string() + " -q --root " + root + " " +
                     options + " -o " + out + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return out;
}

// The compressed bytes as they are (test::readFile decompresses a .zst).
std::string rawBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

uint64_t le32(std::string_view b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 4; i-- > 0;)
    v = v << 8 | static_cast<unsigned char>(b[at + i]);
  return v;
}

nlohmann::json reportJson(const std::string& bundle) {
  auto r = test::run((test::binDir() / "memsift").string() + " report " + bundle +
                     " -f json 2>/dev/null");
  nlohmann::json j = nlohmann::json::parse(r.out);
  j["host"].erase("collected_at");  // when each collection started
  return j;
}

bool hasDamage(const analysis::BundleData& d, bundle::DamageKind kind, std::string_view text) {
  for (const bundle::Damage& x : d.damage)
    if (x.kind == kind && x.text.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("series 1.3: tar, zstd and a reader that does not know the wrappers see the last moment",
          "[series][wrap]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string series = collect(dir, root, "s.tar.zst", "--every 0.05 --count 3");
  const std::string one = collect(dir, root, "one.tar.zst", "");

  // The real tools: every zstd frame outside the wrappers, and no cheap snapshot's member.
  auto listed = test::run("zstd -dc " + series + " | tar -t");
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("series/1/") == std::string::npos);
  CHECK(listed.out.find("series/2/") == std::string::npos);
  CHECK(listed.out.find("series/3/snapshot.json\n") != std::string::npos);
  CHECK(listed.out.find("\nproc/meminfo\n") != std::string::npos);
  CHECK(listed.out.find("\nindex.json\n") != std::string::npos);
  CHECK(test::run("zstd -tq " + series).exit_code == 0);

  // Each cheap snapshot in wrappers of its own number, in order.
  std::string bytes = rawBytes(series);
  const std::vector<test::SeriesWrapperAt> found = test::seriesWrappers(bytes);
  REQUIRE(found.size() >= 2);
  CHECK(found.front().seq == 1);
  CHECK(found.back().seq == 2);

  // memsift before 1.3 takes a skippable frame it does not know for someone else's and lets
  // zstd skip it, as this reader does with magic 0x184D2A5C: the bundle of the last moment,
  // whole, without a problem.
  for (const test::SeriesWrapperAt& w : found)
    bytes[w.at] = '\x5c';
  const std::string older = (dir / "older.tar.zst").string();
  test::writeFile(older, bytes);
  const analysis::BundleData d = analysis::loadBundle(older);
  CHECK(d.damage.empty());
  CHECK(d.bundle_complete);
  CHECK(d.collection_complete);
  const nlohmann::json as_older = reportJson(older);
  CHECK_FALSE(as_older.contains("growth"));
  CHECK(as_older["collection"]["damage"].empty());
  CHECK(as_older == reportJson(one));
}

TEST_CASE("series 1.3: memsift reads the wrapped snapshots, lists and extracts them",
          "[series][wrap]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string series = collect(dir, root, "s.tar.zst", "--every 0.05 --count 3");
  const analysis::BundleData d = analysis::loadBundle(series);
  CHECK(d.damage.empty());
  CHECK(d.bundle_complete);
  CHECK(d.index["series"]["wrapped"] == true);
  REQUIRE(d.series);
  REQUIRE(d.series->snapshots.size() == 3);
  CHECK(d.series->snapshots[0].meminfo);
  CHECK(d.series->snapshots[1].processes.size() == d.series->snapshots[2].processes.size());
  CHECK(reportJson(series).contains("growth"));
  // With worker threads, which take no frame inside a wrapper: the same.
  const analysis::BundleData jobs = analysis::loadBundle(series, 2);
  CHECK(jobs.damage.empty());
  REQUIRE(jobs.series);
  CHECK(jobs.series->snapshots.size() == 3);

  auto list = test::run((test::binDir() / "memsift").string() + " list " + series);
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("series/1/proc/meminfo") != std::string::npos);
  CHECK(list.out.find("series/2/index.json") != std::string::npos);

  const std::string out = (dir / "x").string();
  auto extract =
      test::run((test::binDir() / "memsift").string() + " extract " + series + " " + out + " 2>&1");
  INFO(extract.out);
  CHECK(extract.exit_code == 0);
  // The root did not change: each snapshot read the same file.
  CHECK(test::readFile(dir / "x/series/2/proc/meminfo") == test::readFile(root + "/proc/meminfo"));
  const nlohmann::json index = nlohmann::json::parse(test::readFile(dir / "x/series/1/index.json"));
  bool lists_meminfo = false;
  for (const nlohmann::json& m : index["members"])
    lists_meminfo = lists_meminfo || m["name"] == "series/1/proc/meminfo";
  CHECK(lists_meminfo);
}

TEST_CASE("series 1.3: a /dev/kmsg that cannot be opened is recorded once, the series completes",
          "[series][wrap]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  std::filesystem::remove(root + "/dev/kmsg");  // healthy-x86 may have none already
  const std::string series = collect(dir, root, "s.tar.zst", "--every 0.05 --count 4");
  const analysis::BundleData d = analysis::loadBundle(series);
  CHECK(d.damage.empty());
  REQUIRE(d.series);
  CHECK(d.series->snapshots.size() == 4);
  std::vector<std::string> kmsg;
  for (const nlohmann::json& s : d.index["sources"])
    if (s["path"].get<std::string>().ends_with("dev/kmsg")) kmsg.push_back(s["path"]);
  // Snapshot 1 (in its own index) and the final collection; the later snapshots say nothing.
  CHECK(kmsg == std::vector<std::string>{"series/1/dev/kmsg", "dev/kmsg"});
  const std::string out = (dir / "x").string();
  REQUIRE(test::run((test::binDir() / "memsift").string() + " extract " + series + " " + out)
              .exit_code == 0);
  CHECK(test::readFile(dir / "x/series/1/index.json").find("\"series/1/dev/kmsg\"") !=
        std::string::npos);
  CHECK(test::readFile(dir / "x/index.json").find("series/1/dev/kmsg") == std::string::npos);
}

TEST_CASE("series 1.3: damage in and around wrappers", "[series][wrap]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string series = collect(dir, root, "s.tar.zst", "--every 0.05 --count 5");
  const std::string bytes = rawBytes(series);
  const std::vector<test::SeriesWrapperAt> found = test::seriesWrappers(bytes);
  REQUIRE(found.size() >= 4);
  const test::SeriesWrapperAt* third = nullptr;
  const test::SeriesWrapperAt* second = nullptr;
  for (const test::SeriesWrapperAt& w : found) {
    if (w.seq == 3 && !third) third = &w;
    if (w.seq == 2 && !second) second = &w;
  }
  REQUIRE(third);
  REQUIRE(second);

  SECTION("cut inside snapshot 3's wrapper: truncation, snapshots 1 and 2 kept") {
    const std::string cut = (dir / "cut.tar.zst").string();
    test::writeFile(cut, std::string_view(bytes).substr(0, third->at + 100));
    const analysis::BundleData d = analysis::loadBundle(cut);
    INFO((d.damage.empty() ? std::string() : d.damage.front().text));
    REQUIRE_FALSE(d.damage.empty());
    CHECK(d.damage.front().kind == bundle::DamageKind::kTruncated);
    CHECK(d.damage.front().text.find("series/") != std::string::npos);  // names the member
    REQUIRE(d.series);
    REQUIRE(d.series->snapshots.size() >= 2);
    CHECK(d.series->snapshots[0].seq == 1);
    CHECK(d.series->snapshots[1].seq == 2);
    CHECK(d.series->snapshots[1].processes.size() == d.series->snapshots[0].processes.size());
  }

  SECTION("a flipped byte in snapshot 2's wrapper header: corruption, the rest read") {
    std::string bad = bytes;
    bad[second->at + 10] ^= 0x01;  // inside the tag: the header's check fails
    const std::string path = (dir / "bad.tar.zst").string();
    test::writeFile(path, bad);
    const analysis::BundleData d = analysis::loadBundle(path);
    CHECK(hasDamage(d, bundle::DamageKind::kCorrupt,
                    "damaged series wrapper at compressed byte " + std::to_string(second->at)));
    CHECK(hasDamage(d, bundle::DamageKind::kResumed, "reading resumed"));
    // Its frames are read all the same: every snapshot is there, no member missing.
    REQUIRE(d.series);
    CHECK(d.series->snapshots.size() == 5);
    CHECK_FALSE(hasDamage(d, bundle::DamageKind::kUnlisted, ""));
    CHECK_FALSE(hasDamage(d, bundle::DamageKind::kMissing, ""));
  }

  SECTION("a wrapper whose length does not end at a frame: corruption, reading resumes") {
    std::string bad = bytes;
    // The frames' length one byte short, with a header check that still holds (it covers the
    // tag and K, not the length).
    const uint64_t size = le32(bad, second->at + 4) - 1;
    for (size_t i = 0; i < 4; ++i)
      bad[second->at + 4 + i] = static_cast<char>(size >> (8 * i) & 0xff);
    const std::string path = (dir / "short.tar.zst").string();
    test::writeFile(path, bad);
    const analysis::BundleData d = analysis::loadBundle(path);
    CHECK(hasDamage(d, bundle::DamageKind::kCorrupt,
                    "the series wrapper of snapshot 2 announces " +
                        std::to_string(size - bundle::kSeriesWrapperFixedBytes) +
                        " compressed bytes, which do not end at a zstd frame"));
    REQUIRE(d.series);
    CHECK(d.series->snapshots.size() == 5);
  }

  SECTION("a member inside a wrapper whose bytes changed: its series index's XXH64 disagrees") {
    // Snapshot 2's frames decompressed, one byte of its meminfo changed, compressed again with
    // checksums (zstd's checks hold: only the series index can tell) and wrapped again.
    const std::string frames = (dir / "frames.zst").string();
    const size_t inner = second->at + bundle::kSeriesWrapperHeaderBytes;
    test::writeFile(frames, std::string_view(bytes).substr(inner, second->end - inner));
    REQUIRE(test::run("zstd -dcq " + frames + " > " + (dir / "inner.tar").string()).exit_code == 0);
    std::string tar = rawBytes((dir / "inner.tar").string());
    const size_t name = tar.find("series/2/proc/meminfo");
    REQUIRE(name != std::string::npos);
    const size_t field = tar.find("MemTotal:", name + 512);
    REQUIRE(field != std::string::npos);
    tar[field] = 'm';
    test::writeFile(dir / "inner.tar", tar);
    REQUIRE(test::run("zstd -q -f --check " + (dir / "inner.tar").string() + " -o " + frames)
                .exit_code == 0);
    const std::string again = rawBytes(frames);
    std::string header;
    bundle::appendSeriesWrapperHeader(header, 2, again.size());
    const std::string changed =
        bytes.substr(0, second->at) + header + again + bytes.substr(second->end);
    const std::string path = (dir / "changed.tar.zst").string();
    test::writeFile(path, changed);
    const analysis::BundleData d = analysis::loadBundle(path);
    CHECK(hasDamage(d, bundle::DamageKind::kMismatch,
                    "checksum mismatch in member series/2/proc/meminfo: series/2/index.json says"));
    REQUIRE(d.series);
    CHECK(d.series->snapshots.size() == 5);
  }
}

TEST_CASE("series 1.2: a bundle of the series' first format reads as before", "[series][wrap]") {
  // Written by memsift-collect at 397edae (format 1.2: no wrappers, every series member in
  // index.json) from a healthy-x86 root with --no-page-frames --every 0.2 --count 3.
  const std::string bundle = (test::sourceDir() / "testdata/series-1.2/healthy-x86-3.tar.zst");
  const analysis::BundleData d = analysis::loadBundle(bundle);
  CHECK(d.damage.empty());
  CHECK(d.bundle_complete);
  CHECK(d.manifest["format"]["minor"] == 2);
  REQUIRE(d.series);
  CHECK(d.series->snapshots.size() == 3);
  const nlohmann::json growth =
      nlohmann::json::parse(test::readFile(test::sourceDir() / "testdata/series-1.2/growth.json"));
  CHECK(reportJson(bundle)["growth"] == growth);
}
