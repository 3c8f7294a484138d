// The collector's memory does not grow with the length of a series (issue 14: peak RSS <= 16 MiB
// for any N). Before format 1.3 the writer kept an index record (name, size, XXH64) for every
// member to the end, so 37 more snapshots of 600 processes cost megabytes; each cheap snapshot
// now has an index of its own, written at its end, and is then forgotten. Needs GNU time
// (/usr/bin/time, Debian's "time", installed by .ci/install-deps).
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/analyzer/generated_bundle.h"
#include "tests/test_support.h"

using namespace memsift;

TEST_CASE("series: the collector's peak RSS does not grow with the number of snapshots",
          "[series][memory]") {
  if (test::kSanitizerBuild) test::skipTest("ASan's shadow memory makes RSS meaningless");
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  // 600 more processes, each a copy (hard links) of one the case has: many members a snapshot.
  REQUIRE(test::run("cd " + root + "/proc && for p in $(seq 10000 10599); do cp -al 2310 $p; done")
              .exit_code == 0);
  const std::string collector = (test::binDir() / "memsift-collect").string();
  // Measured by /usr/bin/time (GNU time: its fork's own small memory is the floor). Not by this
  // process's wait4(): posix_spawn's vfork makes the exec take this test process's peak RSS
  // (hundreds of MiB after a bundle is loaded) as the child's starting maximum.
  auto peak = [&](unsigned count) {
    std::string name = "s";  // appended, not added: g++ 12 warns (-Wrestrict) on "s" + ...
    name.append(std::to_string(count)).append(".tar.zst");
    const std::string rss = (dir / "rss").string();
    auto r = test::run("/usr/bin/time -f %M -o " + rss + " " + collector +
                       " -q --no-page-frames --root " + root + " --every 0.05 --count " +
                       std::to_string(count) + " -o " + (dir / name).string() + " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return std::stol(test::readFile(rss));
  };
  const long short_series = peak(3);
  const long long_series = peak(40);

  // What 37 more snapshots' index records would have cost: 24 bytes a member and its name.
  auto list =
      test::run((test::binDir() / "memsift").string() + " list " + (dir / "s3.tar.zst").string());
  REQUIRE(list.exit_code == 0);
  uint64_t members = 0, name_bytes = 0;
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("series/1/");
    if (at == std::string::npos) continue;
    ++members;
    name_bytes += line.size() - at;
  }
  CHECK(members > 1800);  // 606 processes' status, stat and smaps_rollup, and the rest
  const long records_kib = static_cast<long>(37 * (24 * members + name_bytes) / 1024);
  INFO("peak RSS: --count 3 " << short_series << " KiB, --count 40 " << long_series
                              << " KiB; 37 snapshots' records " << records_kib << " KiB");
  CHECK(long_series - short_series < 512);
  CHECK(long_series - short_series < records_kib / 4);
  CHECK(long_series < 16 * 1024);
}
