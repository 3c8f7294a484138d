// Hostile and broken bundles (issue 17): each attack is built by tests/hostile_bundles.py (Python's
// tarfile and the zstd command) and given to every memsift command, which must refuse or report
// it with a documented exit code, in bounded memory, and print nothing raw from it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

namespace {

// Builds one attack of tests/hostile_bundles.py into `dir`.
fs::path hostile(const test::TempDir& dir, const std::string& attack) {
  auto r = test::run("python3 " + (test::sourceDir() / "tests/hostile_bundles.py").string() + " " +
                     dir.path().string() + " " + attack);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  return dir / (attack + ".tar.zst");
}

// Address space memsift may use where a test bounds it: far below what the attacks cost before
// (4.2 GB for a claimed 4 GiB meminfo, 768 MiB for three 256 MiB members of zeros), far above
// what reading a bundle needs. ASan reserves terabytes of shadow memory: no bound there.
constexpr int kLimitMiB = 512;

test::CommandResult runMemsift(const std::string& args, bool bounded = false) {
  std::string cmd = (test::binDir() / "memsift").string() + " " + args;
  if (bounded && !test::kSanitizerBuild)
    cmd = "ulimit -v " + std::to_string(kLimitMiB * 1024) + " && " + cmd;
  return test::run(cmd);
}

bool hasRawControl(const std::string& out) {
  return out.find('\x1b') != std::string::npos || out.find('\x07') != std::string::npos;
}

}  // namespace

TEST_CASE("deeply nested JSON in manifest.json is refused (exit 3), never a stack overflow") {
  test::TempDir dir;
  for (const char* attack : {"deep-manifest-array", "deep-manifest-object"}) {
    fs::path b = hostile(dir, attack);
    for (std::string cmd :
         {"report", "report -f json", "report -f html", "info", "list", "page-types"}) {
      auto r = runMemsift(cmd + " " + b.string());
      INFO(attack << ": " << cmd << ": " << r.out);
      CHECK(r.exit_code == 3);
      CHECK_THAT(r.out, Catch::Contains("manifest.json is not a JSON object (nested deeper than "
                                        "64 levels)"));
    }
    auto r =
        runMemsift("extract " + b.string() + " " + (dir / (std::string(attack) + "-x")).string());
    INFO(r.out);
    CHECK(r.exit_code == 3);
  }
}

TEST_CASE("deeply nested JSON in index.json is damage (exit 4), never a stack overflow") {
  test::TempDir dir;
  fs::path b = hostile(dir, "deep-index");
  for (std::string cmd : {"report", "report -f markdown", "info", "list"}) {
    auto r = runMemsift(cmd + " " + b.string());
    INFO(cmd << ": " << r.out);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.out, Catch::Contains("index.json is not a JSON object (nested deeper than 64"));
  }
  auto r = runMemsift("extract " + b.string() + " " + (dir / "x").string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK(fs::exists(dir / "x/proc/meminfo"));
}

TEST_CASE("a manifest with page size 0 is refused (exit 3) naming the field, not SIGFPE") {
  test::TempDir dir;
  fs::path b = hostile(dir, "page-size-0");
  for (std::string cmd : {"report", "page-types", "info", "list"}) {
    auto r = runMemsift(cmd + " " + b.string());
    INFO(cmd << ": " << r.out);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out, Catch::Contains("manifest.json's host.page_size is 0; expected a power of "
                                      "two from 4096 to 1048576"));
  }
}

TEST_CASE("manifest values out of range are refused (exit 3) naming the field") {
  test::TempDir dir;
  const std::pair<const char*, const char*> cases[] = {
      {"page-size-3", "host.page_size is 3; expected a power of two"},
      {"page-size-2p40", "host.page_size is 1099511627776; expected"},
      {"page-size-max", "host.page_size is 18446744073709551615; expected"},
      {"byte-order-middle", "host.byte_order is \"middle\"; expected \"little\" or \"big\""},
      {"major-2p32p1", "format.major is 4294967297; expected an integer from 1 to 65535"},
  };
  for (const auto& [attack, message] : cases) {
    fs::path b = hostile(dir, attack);
    for (std::string cmd : {"report", "info"}) {
      auto r = runMemsift(cmd + " " + b.string());
      INFO(attack << ": " << cmd << ": " << r.out);
      CHECK(r.exit_code == 3);
      CHECK_THAT(r.out, Catch::Contains(message));
    }
  }
}

TEST_CASE("a pax size= record past 4 GiB is refused like a header's (the check follows pax)") {
  test::TempDir dir;
  fs::path b = hostile(dir, "pax-size");
  auto r = runMemsift("list " + b.string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK(r.out.find("proc/huge\n") == std::string::npos);  // not listed as a member
  CHECK_THAT(r.out, Catch::Contains("bundle corrupt: member proc/huge claims 5368709120 bytes"));
  r = runMemsift("extract " + b.string() + " " + (dir / "x").string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK(!fs::exists(dir / "x/proc/huge"));
}

TEST_CASE("a header claiming a 4 GiB meminfo allocates nothing for it (truncation, exit 4)") {
  test::TempDir dir;
  fs::path b = hostile(dir, "claim-4g-meminfo");
  auto r = runMemsift("report " + b.string(), /*bounded=*/true);
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("bundle truncated in member proc/meminfo at byte 18"));
}

TEST_CASE("text members of compressed zeros are cut at their kind's cap and the cut reported") {
  test::TempDir dir;
  fs::path b = hostile(dir, "zero-text-bombs");
  auto r = runMemsift("report " + b.string(), /*bounded=*/true);
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("member proc/meminfo has 268435456 bytes, more than a meminfo "
                                    "can hold (65536): only its first 65536 bytes are read"));
  CHECK_THAT(r.out, Catch::Contains("member dev/kmsg has 268435456 bytes, more than a text member "
                                    "can hold (4194304)"));
  // The JSON report keeps the cut as a record: the member, where reading stopped, the kind.
  auto j = runMemsift("report -f json -o " + (dir / "r.json").string() + " " + b.string());
  CHECK(j.exit_code == 4);
  const nlohmann::json report = nlohmann::json::parse(test::readFile(dir / "r.json"));
  bool meminfo_cut = false;
  for (const nlohmann::json& d : report["collection"]["damage"]) {
    meminfo_cut |= d["member"] == "proc/meminfo" && d["offset"] == 65536 && d["kind"] == "refused";
  }
  CHECK(meminfo_cut);
}

TEST_CASE("smaps parts and cgroup.procs of zeros stream by in bounded memory") {
  test::TempDir dir;
  fs::path b = hostile(dir, "zero-smaps");
  auto r = runMemsift("report " + b.string(), /*bounded=*/true);
  INFO(r.out.substr(0, 4000));
  CHECK(r.exit_code == 4);  // the index's checksums are not real
  // Parsed as it streamed by: its malformed lines are reported (a hundred at most).
  CHECK_THAT(r.out, Catch::Contains("proc/1/smaps:1: field line before the first VMA header"));
}

TEST_CASE("an index.json far larger than its members need is refused unread (exit 4)") {
  test::TempDir dir;
  fs::path b = hostile(dir, "huge-index");
  for (std::string cmd : {"report", "info", "list"}) {
    auto r = runMemsift(cmd + " " + b.string(), /*bounded=*/true);
    INFO(cmd << ": " << r.out.substr(0, 4000));
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.out, Catch::Contains("bundle corrupt: index.json claims"));
    CHECK_THAT(r.out, Catch::Contains("a bundle of 2 members can need"));
  }
}

TEST_CASE("tens of thousands of unlisted empty members: a bounded list of problems") {
  test::TempDir dir;
  fs::path b = hostile(dir, "many-tiny-members");
  for (std::string cmd : {"report -f json -o " + (dir / "r.json").string(), std::string("info")}) {
    auto r = runMemsift(cmd + " " + b.string(), /*bounded=*/true);
    INFO(cmd << ": " << r.out.substr(0, 4000));
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.out, Catch::Contains("member junk/00000000 is not listed in index.json"));
    CHECK_THAT(r.out, Catch::Contains("more members are not listed in index.json"));
    // One line per member was 50,002 lines; now the first few and a count.
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') < 60);
  }
}

TEST_CASE("member names and paths never reach the terminal raw, in any command") {
  test::TempDir dir;
  fs::path b = hostile(dir, "terminal-names");
  for (std::string cmd : {"report", "info", "list", "extract"}) {
    // append(), not " " + ...: g++ 12 at -O3 flags that here (a false -Wrestrict).
    std::string args = cmd;
    args.append(" ").append(b.string());
    if (cmd == "extract") args.append(" ").append((dir / "x").string());
    auto r = runMemsift(args);
    INFO(cmd << ": " << r.out);
    CHECK(r.exit_code == 4);
    CHECK(!hasRawControl(r.out));
    CHECK(r.out.find("\nmemsift report: all good") == std::string::npos);
  }
  auto r = runMemsift("list " + b.string());
  CHECK_THAT(r.out, Catch::Contains("x/\\x1b[2J\\x1b[Hcleared"));
  CHECK_THAT(r.out, Catch::Contains("x/forged\\x0amemsift report: all good"));
  CHECK_THAT(r.out, Catch::Contains("member y/\\x1b[31mred-missing is listed in index.json"));
  r = runMemsift("info " + b.string());
  CHECK_THAT(r.out, Catch::Contains("evil\\x1b]0;pwned\\x07host"));
  CHECK_THAT(r.out, Catch::Contains("proc/\\x1b[2J"));
}

TEST_CASE("extract: a member whose path the file system refuses is named, exit 4 (not 1)") {
  test::TempDir dir;
  fs::path b = hostile(dir, "extract-file-then-dir");
  auto r = runMemsift("extract " + b.string() + " " + (dir / "x").string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("member a/b not extracted: Not a directory"));
  CHECK_THAT(r.out, Catch::Contains("member c not extracted: Is a directory"));
  CHECK(test::readFile(dir / "x/a") == "file");
  CHECK(test::readFile(dir / "x/proc/meminfo") == "MemTotal: 1024 kB\n");

  b = hostile(dir, "extract-long-name");
  r = runMemsift("extract " + b.string() + " " + (dir / "y").string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.out, Catch::Contains("not extracted: File name too long"));
  CHECK(fs::exists(dir / "y/proc/meminfo"));
}
