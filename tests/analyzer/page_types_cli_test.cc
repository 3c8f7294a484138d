// `memsift page-types` end to end: the reference kpageflags replayed through
// `memsift-collect --root` into a bundle, then every reference command run on the bundle must
// print exactly what the kernel's page-types printed (../shared/reference/page-types/).
//
// Except where page-types' output depends on uninitialised memory: without -M (and -C) it
// compares the never-filled kpagecount/kpagecgroup buffers of walk_pfn() when it merges -l runs,
// so its -l references split runs where that stack garbage changes (see page_types_test.cc). For
// those, the bundle path must print exactly what the engine prints on the raw file, and the
// engine test checks the reference modulo those splits.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "analyzer/page_types/page_types.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

TEST_CASE("memsift page-types on a bundle matches every reference output") {
  fs::path ref = test::sharedDir() / "reference/page-types/x86_64-6.18-idle";
  if (!fs::exists(ref / "kpageflags.zst")) test::skipTest("no reference data at " + ref.string());
  test::TempDir dir;
  test::writeFile(dir / "root/proc/kpageflags", test::readFile(ref / "kpageflags.zst"));
  // A system root has at least proc/meminfo (memsift-collect refuses a tree without it).
  test::writeFile(dir / "root/proc/meminfo",
                  test::readFile(test::sourceDir() / "testdata/roots/minimal/proc/meminfo"));
  auto collect =
      test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                (dir / "root").string() + " --page-size 4096 -o " + (dir / "b.tar.zst").string());
  INFO(collect.out);
  REQUIRE((collect.exit_code == 0 || collect.exit_code == 4));

  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(ref)) {
    if (entry.path().extension() != ".cmd") continue;
    std::string cmd = test::readFile(entry.path());
    while (!cmd.empty() && cmd.back() == '\n')
      cmd.pop_back();
    // "page-types -F kpageflags ARGS" -> "memsift page-types BUNDLE ARGS"
    std::string prefix = "page-types -F kpageflags";
    REQUIRE(cmd.starts_with(prefix));
    std::string args = cmd.substr(prefix.size());
    fs::path expected_path = entry.path();
    expected_path.replace_extension(".txt");
    if (!fs::exists(expected_path)) expected_path += ".zst";
    std::string expected = test::readFile(expected_path);
    if (args.find(" -l") != std::string::npos) {
      // The engine on the raw kpageflags, in one pass of 131072-frame chunks.
      static const std::string raw = test::readFile(ref / "kpageflags.zst");
      std::vector<uint64_t> flags(raw.size() / 8);
      std::memcpy(flags.data(), raw.data(), flags.size() * 8);
      std::vector<std::string> argv;
      std::istringstream words(args);
      for (std::string w; words >> w;)
        argv.push_back(w);
      argv.insert(argv.begin(), "raw");
      page_types::StringSink sink;
      page_types::runPageTypes(
          page_types::parseOptions(argv),
          [&](Pfn from, const page_types::ChunkVisitor& visit) {
            for (uint64_t s = from.value() / 131072 * 131072; s < flags.size(); s += 131072) {
              size_t n = std::min<size_t>(131072, flags.size() - s);
              if (!visit({Pfn(s), std::span(flags).subspan(s, n), {}, {}})) break;
            }
          },
          PageSize(4096), {}, sink);
      expected = sink.text;
    }
    auto out = test::run((test::binDir() / "memsift").string() + " page-types " +
                         (dir / "b.tar.zst").string() + args + " 2>/dev/null");
    CAPTURE(cmd);
    CHECK(out.exit_code == 0);
    CHECK(out.out.size() == expected.size());
    CHECK((out.out == expected));
    ++compared;
  }
  CHECK(compared == 8);
}

TEST_CASE(
    "memsift page-types on a damaged bundle counts what is intact, says what is not, exits 4") {
  test::TempDir dir;
  // A healthy-x86 case: 54 MiB of tables.
  auto gen = test::run((test::binDir() / "memsift-testgen").string() + " healthy-x86 " +
                       (dir / "root").string() + " --expect " + (dir / "e.json").string());
  REQUIRE(gen.exit_code == 0);
  auto collect =
      test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                (dir / "root").string() + " --page-size 4096 -o " + (dir / "b.tar.zst").string());
  REQUIRE(collect.exit_code == 0);
  fs::copy_file(dir / "b.tar.zst", dir / "b.raw");  // readFile() decompresses *.zst
  const std::string good = test::readFile(dir / "b.raw");
  // Garbles the middle of the frame of a chunk of `table` in the second half of the bundle (each
  // chunk has a frame of its own).
  auto garble = [&](std::string_view table) {
    size_t at = test::memberFrameMiddle(good, table, good.size() / 2);
    REQUIRE(at != std::string::npos);
    std::string bytes = good;
    for (size_t i = 0; i < 64; ++i)
      bytes[at + i] = static_cast<char>(bytes[at + i] ^ 0x5a);
    return bytes;
  };
  test::writeFile(dir / "bad.tar.zst", garble("kpageflags"));
  test::writeFile(dir / "bad-count.tar.zst", garble("kpagecount"));

  const std::string memsift = (test::binDir() / "memsift").string();
  auto whole = test::run(memsift + " page-types " + (dir / "b.tar.zst").string() + " 2>/dev/null");
  REQUIRE(whole.exit_code == 0);
  // Damage in a table the summary does not read goes unseen: that frame is skipped unread, and
  // the output is exactly what the whole bundle gives.
  auto unread =
      test::run(memsift + " page-types " + (dir / "bad-count.tar.zst").string() + " 2>&1");
  CHECK(unread.exit_code == 0);
  CHECK(unread.out == whole.out);
  auto bad = test::run(memsift + " page-types " + (dir / "bad.tar.zst").string() + " 2>&1");
  INFO(bad.out);
  CHECK(bad.exit_code == 4);
  CHECK(bad.out.find("memsift page-types: bundle corrupt") != std::string::npos);
  CHECK(bad.out.find("the bundle is damaged: the counts above leave out what was lost") !=
        std::string::npos);
  // The total line counts fewer pages: a chunk was lost, the rest was counted.
  auto total = [](const std::string& out) {
    size_t at = out.find("             total\t");
    REQUIRE(at != std::string::npos);
    return std::stoull(out.substr(at + 19));
  };
  uint64_t all = total(whole.out), kept = total(bad.out);
  CHECK(kept < all);
  CHECK(kept + 131072 >= all);  // one chunk of kpageflags is lost (a frame of its own)
}
