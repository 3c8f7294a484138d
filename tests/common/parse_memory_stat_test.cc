// cgroup memory.stat: a real v1 capture (with total_* keys) and a hand-written v2 file.
#include "common/parse/memory_stat.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::formatted;

TEST_CASE("memory.stat v1: own and hierarchical (total_*) counters") {
  std::string text = captured("cgroup_v1_root_memory.stat");
  std::vector<ParseIssue> issues;
  IssueSink sink("sys/fs/cgroup/memory/memory.stat", issues);
  MemoryStat s = parseMemoryStat(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(s.flavor == MemoryStatFlavor::kV1);
  CHECK(s.values.size() == 42);
  CHECK(s.bytes("rss") == ByteCount(3686400));
  CHECK(s.get("cache") == uint64_t{9453568});
  CHECK(s.hierarchical("cache") == uint64_t{356548608});
  CHECK(s.hierarchical("active_anon") == uint64_t{1576960});
  CHECK(s.get("hierarchical_memory_limit") == uint64_t{9223372036854771712ull});
  CHECK_FALSE(s.get("anon"));
}

TEST_CASE("memory.stat v2: plain names are already hierarchical") {
  std::string text = captured("cgroup_v2_memory.stat.handwritten");
  std::vector<ParseIssue> issues;
  IssueSink sink("sys/fs/cgroup/x/memory.stat", issues);
  MemoryStat s = parseMemoryStat(text, sink);
  INFO(formatted(issues));
  CHECK(issues.empty());
  CHECK(s.flavor == MemoryStatFlavor::kV2);
  CHECK(s.values.size() == 70);
  CHECK(s.bytes("anon") == ByteCount(1531904));
  CHECK(s.bytes("file_thp") == ByteCount(2097152));
  CHECK(s.hierarchical("anon") == uint64_t{1531904});
  CHECK(s.get("pgfault") == uint64_t{2313865});
}

TEST_CASE("memory.stat: unknown flavour, bad lines and repeated keys") {
  std::string text =
      "some_new_key 5\n"
      "total_rss\n"
      "some_new_key 6\n";
  std::vector<ParseIssue> issues;
  IssueSink sink("m/memory.stat", issues);
  MemoryStat s = parseMemoryStat(text, sink);
  CHECK(s.flavor == MemoryStatFlavor::kUnknown);
  CHECK(s.get("some_new_key") == uint64_t{5});
  CHECK(s.hierarchical("some_new_key") == uint64_t{5});
  REQUIRE(issues.size() == 2);
  CHECK(issues[0].format() == "m/memory.stat:2: expected 'key value': total_rss");
  CHECK(issues[1].format() ==
        "m/memory.stat:3: key repeated (first seen on line 1); the first value is used: "
        "some_new_key");
}
