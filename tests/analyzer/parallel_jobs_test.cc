// `memsift report` and `memsift page-types` at --jobs 1, 2 and 3 (issue 15): every corpus case
// gives the same bytes, exit code and messages at every thread count, and so does a bundle with
// a damaged page-table frame (reported with its member and where, as with one thread).
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

namespace {

// Generates `case_name` with memsift-testgen and collects it into DIR/b.tar.zst.
fs::path collectCase(const test::TempDir& dir, const std::string& case_name, uint64_t page_size) {
  auto gen = test::run((test::binDir() / "memsift-testgen").string() + " " + case_name + " " +
                       (dir / "root").string() + " --expect " + (dir / "expected.json").string());
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  auto c = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                     (dir / "root").string() + " --page-size " + std::to_string(page_size) +
                     " -o " + (dir / "b.tar.zst").string());
  INFO(c.out);
  REQUIRE(c.exit_code == 0);
  return dir / "b.tar.zst";
}

// The command at --jobs 1, 2 and 3: output (stdout and stderr) and exit code alike.
void checkSameAtEveryJobCount(const std::string& command) {
  CAPTURE(command);
  const test::CommandResult one = test::run(command + " --jobs 1");
  for (int jobs : {2, 3}) {
    CAPTURE(jobs);
    const test::CommandResult more = test::run(command + " --jobs " + std::to_string(jobs));
    CHECK(more.exit_code == one.exit_code);
    CHECK(more.out == one.out);
  }
}

void checkBundle(const fs::path& bundle) {
  const std::string memsift = (test::binDir() / "memsift").string();
  checkSameAtEveryJobCount(memsift + " report " + bundle.string() + " --format json");
  checkSameAtEveryJobCount(memsift + " report " + bundle.string() + " --format text --wide");
  checkSameAtEveryJobCount(memsift + " page-types " + bundle.string());
  checkSameAtEveryJobCount(memsift + " page-types " + bundle.string() + " -l -C -M");
}

}  // namespace

TEST_CASE("every golden corpus case reports the same at --jobs 1, 2 and 3", "[parallel]") {
  const std::pair<const char*, uint64_t> cases[] = {
      {"seed", 65536},          {"healthy-x86", 4096},       {"pinned-anon-v2", 4096},
      {"slab-leak", 4096},      {"zombie-memcg", 4096},      {"hugetlb-unused", 4096},
      {"tmpfs-unmapped", 4096}, {"stacks-pagetables", 4096}, {"no-root", 4096},
      {"ppc64le-mthp", 65536},  {"s390x-pinned-anon", 4096}, {"arm64-16k-thp", 16384},
  };
  for (const auto& [name, page_size] : cases) {
    CAPTURE(name);
    test::TempDir dir;
    checkBundle(collectCase(dir, name, page_size));
  }
}

TEST_CASE("memsift-collect --jobs 2 stores the same page-frame tables as --jobs 1", "[parallel]") {
  test::TempDir dir;
  collectCase(dir, "ppc64le-mthp", 65536);
  const std::string collect = (test::binDir() / "memsift-collect").string() +
                              " -q --no-nice --page-size 65536 --root " + (dir / "root").string();
  auto two = test::run(collect + " --jobs 2 -o " + (dir / "two.tar.zst").string());
  INFO(two.out);
  REQUIRE(two.exit_code == 0);
  const std::string memsift = (test::binDir() / "memsift").string();
  for (const char* args : {" list ", " page-types -l -C -M "}) {
    CAPTURE(args);
    auto a = test::run(memsift + args + (dir / "b.tar.zst").string());
    auto b = test::run(memsift + args + (dir / "two.tar.zst").string());
    CHECK(a.exit_code == b.exit_code);
    CHECK(a.out == b.out);
  }
}

TEST_CASE("a damaged page-table frame is reported alike at --jobs 1, 2 and 3", "[parallel]") {
  test::TempDir dir;
  const fs::path whole = collectCase(dir, "pinned-anon-v2", 4096);
  fs::copy_file(whole, dir / "b.raw");  // readFile() decompresses *.zst
  const std::string bytes = test::readFile(dir / "b.raw");
  // A garbled kpagecount frame (corrupt: reading resumes after it) and a bundle cut inside a
  // kpageflags frame (truncated).
  size_t at = test::memberFrameMiddle(bytes, "/kpagecount");
  REQUIRE(at != std::string::npos);
  std::string bad = bytes;
  for (size_t i = 0; i < 64; ++i)
    bad[at + i] = static_cast<char>(bad[at + i] ^ 0x5a);
  test::writeFile(dir / "bad.tar.zst", bad);
  size_t cut = test::memberFrameMiddle(bytes, "/kpageflags", at);
  REQUIRE(cut != std::string::npos);
  test::writeFile(dir / "cut.tar.zst", bytes.substr(0, cut));
  for (const char* name : {"bad.tar.zst", "cut.tar.zst"}) {
    CAPTURE(name);
    checkBundle(dir / name);
  }
  // The damage names the member, as with one thread.
  auto r = test::run((test::binDir() / "memsift").string() + " report " +
                     (dir / "bad.tar.zst").string() + " -o /dev/null --jobs 3");
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("kpagecount"));
}
