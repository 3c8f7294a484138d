// MemberCensus: the index check's record of members, bounded in what it keeps and lists.
#include "common/bundle/member_census.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/hash/xxhash64.h"

using memsift::bundle::MemberCensus;

namespace {

std::string joined(const std::vector<memsift::bundle::Damage>& lines) {
  std::string out;
  for (const memsift::bundle::Damage& l : lines)
    out += l.text + "\n";
  return out;
}

// PREFIX and a number; append() rather than operator+, which g++ 12 at -O3 flags with a false
// -Wrestrict.
std::string name(const char* prefix, uint64_t i) {
  return std::string(prefix).append(std::to_string(i));
}

}  // namespace

TEST_CASE("census: listed, missing, unlisted, size and checksum mismatches") {
  MemberCensus c;
  c.read("proc/meminfo", 10, 0x1234);
  c.read("proc/vmstat", 20, 0x5678);
  c.skipped("proc/kpageflags.00000000");
  c.read("unlisted", 1, 1);
  std::vector<memsift::bundle::Damage> problems;
  c.checkEntry("proc/meminfo", 10, memsift::xxh64Hex(0x1234), true, problems);
  c.checkEntry("proc/vmstat", 21, memsift::xxh64Hex(0x5678), true, problems);
  c.checkEntry("proc/kpageflags.00000000", 999, "whatever", true, problems);  // skipped: not read
  c.checkEntry("gone", 5, "0", true, problems);
  c.finish(problems);
  CHECK(c.present() == 4);
  CHECK(c.skippedCount() == 1);
  CHECK(joined(problems) ==
        "member proc/vmstat has 20 bytes, index.json says 21\n"
        "member gone is listed in index.json but missing\n"
        "member unlisted is not listed in index.json\n");
}

TEST_CASE("census: a name read twice is checked against what came last") {
  MemberCensus c;
  c.read("a", 1, 1);
  c.read("a", 2, 2);
  std::vector<memsift::bundle::Damage> problems;
  c.checkEntry("a", 2, memsift::xxh64Hex(2), true, problems);
  c.finish(problems);
  CHECK(problems.empty());
}

TEST_CASE("census: past its bounds it counts instead of listing or keeping") {
  MemberCensus c;
  const uint64_t n = MemberCensus::kMaxTracked + 1000;
  for (uint64_t i = 0; i < n; ++i)
    c.read(name("junk/", i), 0, 0);
  std::vector<memsift::bundle::Damage> problems;
  // Untracked members may be among the listed ones: a name not found is not called missing.
  c.checkEntry(name("junk/", n - 1), 0, "0", false, problems);
  c.checkEntry("junk/0", 0, "0", false, problems);
  c.finish(problems);
  CHECK(c.present() == n);
  REQUIRE(problems.size() == MemberCensus::kListedPerKind + 2);
  CHECK(problems.front().text == "member junk/1 is not listed in index.json");  // arrival order
  CHECK(problems[problems.size() - 2].text ==
        std::to_string(MemberCensus::kMaxTracked - 1 - MemberCensus::kListedPerKind) +
            " more members are not listed in index.json");
  CHECK(problems.back().text ==
        "1000 members past the first 1048576 were not checked against "
        "index.json");
}

TEST_CASE("census: mismatches are listed up to a bound, then counted") {
  MemberCensus c;
  const size_t n = MemberCensus::kListedPerKind + 5;
  for (size_t i = 0; i < n; ++i)
    c.read(name("m", i), 1, 1);
  std::vector<memsift::bundle::Damage> problems;
  for (size_t i = 0; i < n; ++i)
    c.checkEntry(name("m", i), 2, "0", true, problems);
  c.finish(problems);
  REQUIRE(problems.size() == MemberCensus::kListedPerKind + 1);
  CHECK(problems.back().text == "5 more members differ in size or checksum from index.json");
}
