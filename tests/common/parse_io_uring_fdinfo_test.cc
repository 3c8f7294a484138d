// io_uring fdinfo: the registered buffers of a real 6.18 instance, and lines that are not.
#include <catch2/catch.hpp>

#include "common/parse/io_uring_fdinfo.h"
#include "tests/common/parse_test_util.h"

using namespace memsift::parse;

TEST_CASE("io_uring fdinfo: UserBufs of a captured 6.18 instance") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/1/fdinfo/3", issues);
  const std::string text = test::captured("proc_pid_fdinfo_io_uring");
  std::vector<RingBuffer> bufs = parseRingBuffers(text, sink);
  INFO(test::formatted(issues));
  CHECK(issues.empty());
  REQUIRE(bufs.size() == 3);
  CHECK(bufs[0].len == 1048576);
  CHECK(bufs[1].len == 4096);
  CHECK(bufs[2].len == 1048576);
  CHECK(bufs[1].addr == bufs[0].addr + 1048576);
  CHECK(bufs[2].addr == bufs[0].addr + 2 * 1048576);
}

TEST_CASE("io_uring fdinfo: no buffers, and a garbled buffer line") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/1/fdinfo/3", issues);
  CHECK(parseRingBuffers("SqMask:\t0x3\nUserFiles:\t0\nUserBufs:\t0\nPollList:\n", sink).empty());
  CHECK(issues.empty());
  // The 5.x format ("%5u: 0x%llx/%u") parses like 6.18's; a bad line is reported and skipped.
  std::vector<RingBuffer> bufs =
      parseRingBuffers("UserBufs:\t2\n    0: 0x1000/8192\n    1: 0xzz/1\nPollList:\n", sink);
  REQUIRE(bufs.size() == 1);
  CHECK(bufs[0].addr == 0x1000);
  CHECK(bufs[0].len == 8192);
  CHECK(issues.size() == 1);
}
