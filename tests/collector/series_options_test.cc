// The snapshot series' options (--every with --count or --for): what they set, what the manifest
// records, and the combinations refused as usage errors.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "collector/cli.h"
#include "common/error.h"
#include "tests/collector/collector_test_util.h"

namespace memsift::collector {
namespace {

CollectOptions parsed(std::vector<const char*> args) {
  args.insert(args.begin(), "memsift-collect");
  CollectOptions o;
  REQUIRE(parseCommandLine(static_cast<int>(args.size()), args.data(), o) == CliAction::kCollect);
  return o;
}

std::string usageError(std::vector<const char*> args) {
  args.insert(args.begin(), "memsift-collect");
  CollectOptions o;
  try {
    parseCommandLine(static_cast<int>(args.size()), args.data(), o);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    return e.what();
  }
  return "no error";
}

TEST_CASE("series options: --every with --count, or with --for as intervals plus one", "[series]") {
  CHECK(parsed({}).series_count == 0);
  CollectOptions c = parsed({"--every", "0.2", "--count", "3"});
  CHECK(c.every_seconds == 0.2);
  CHECK(c.series_count == 3);
  CHECK_FALSE(c.for_seconds);
  CHECK(optionsJson(c)["every"] == 0.2);
  CHECK(optionsJson(c)["count"] == 3);
  CHECK(optionsJson(c)["for"].is_null());
  // A bundle of one moment records no series keys: its manifest is as before format 1.2.
  CHECK_FALSE(optionsJson(parsed({})).contains("every"));
  struct Case {
    const char* every;
    const char* span;
    unsigned count;
    double seconds;
  };
  for (const Case& k :
       {Case{"10", "90s", 10, 90}, Case{"60", "10m", 11, 600}, Case{"600", "2h", 13, 7200},
        Case{"0.1", "1", 11, 1}, Case{"7", "20s", 3, 20}}) {
    INFO(k.every << " " << k.span);
    CollectOptions f = parsed({"--every", k.every, "--for", k.span});
    CHECK(f.series_count == k.count);
    REQUIRE(f.for_seconds);
    CHECK(*f.for_seconds == k.seconds);
    CHECK(optionsJson(f)["for"] == k.seconds);
  }
  // --force keeps its prefix-free spelling; --for is an option of its own.
  CHECK(parsed({"--force"}).force);
}

TEST_CASE("series options: what is refused, and why", "[series]") {
  CHECK(usageError({"--every", "1"}) ==
        "--every 1 needs the length of the series: --count N (snapshots) or --for DURATION");
  CHECK(usageError({"--count", "5"}) ==
        "--count sets the length of a snapshot series: give --every SECONDS with it");
  CHECK(usageError({"--for", "1m"}) ==
        "--for sets the length of a snapshot series: give --every SECONDS with it");
  CHECK(usageError({"--every", "1", "--count", "1"}) ==
        "--count 1: a series has at least 2 snapshots (the last is the full collection)");
  CHECK(usageError({"--every", "0", "--count", "3"}) ==
        "--every must be a positive number of seconds");
  CHECK(usageError({"--every", "-1", "--count", "3"}) ==
        "--every must be a positive number of seconds");
  CHECK(usageError({"--every", "x", "--count", "3"}).find("--every") != std::string::npos);
  CHECK(usageError({"--every", "1", "--count", "3", "--for", "1m"}) ==
        "give --count or --for, not both");
  CHECK(usageError({"--every", "60", "--for", "30s"}) ==
        "--for 30s is shorter than one --every interval");
  CHECK(usageError({"--every", "1", "--for", "10d"}) ==
        "--for 10d: give a duration such as 90s, 10m or 2h");
  CHECK(usageError({"--every", "1", "--for", "0s"}) ==
        "--for 0s: give a duration such as 90s, 10m or 2h");
  CHECK(
      usageError({"--every", "0.001", "--count", "1000001"}).starts_with("a series of more than"));
  CHECK(usageError({"--every", "0.000001", "--for", "2h"}).starts_with("a series of more than"));
}

TEST_CASE("series options: an error exits 2 before anything is read or written", "[series]") {
  test::TempDir dir;
  const std::string out = (dir / "b.tar.zst").string();
  for (const char* args : {"--every 1", "--count 3", "--every 1 --count 1", "--every 0 --for 1m"}) {
    INFO(args);
    auto r = test::run(test::collectorPath() + " " + args + " -o " + out + " 2>&1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("memsift-collect: ") == 0);
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace memsift::collector
