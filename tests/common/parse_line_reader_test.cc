// LineReader, IssueSink and the field/number helpers every parser builds on.
#include <catch2/catch.hpp>
#include <string>

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"
#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;

namespace {

std::vector<std::string> allLines(std::string_view text, IssueSink* sink = nullptr) {
  std::vector<std::string> out;
  LineReader r(text, sink);
  Line l;
  while (r.next(l))
    out.emplace_back(l.text);
  return out;
}

}  // namespace

TEST_CASE("LineReader splits lines, with or without a final newline") {
  CHECK(allLines("").empty());
  CHECK(countLines("") == 0);
  CHECK(allLines("a\nb\n") == std::vector<std::string>{"a", "b"});
  CHECK(allLines("a\nb") == std::vector<std::string>{"a", "b"});
  CHECK(countLines("a\nb") == 2);
  CHECK(countLines("a\nb\n") == 2);
  CHECK(allLines("\n\n") == std::vector<std::string>{"", ""});
  CHECK(countLines("\n\n") == 2);
}

TEST_CASE("LineReader numbers lines from 1 and views the caller's text") {
  std::string text = "first\nsecond\nthird";
  LineReader r(text);
  Line l;
  REQUIRE(r.next(l));
  CHECK(l.number == 1);
  REQUIRE(r.next(l));
  CHECK(l.number == 2);
  CHECK(l.text.data() == text.data() + 6);
  CHECK(r.rest() == "third");
  REQUIRE(r.next(l));
  CHECK(l.number == 3);
  CHECK(l.text == "third");
  CHECK_FALSE(r.next(l));
  CHECK(r.linesRead() == 3);
}

TEST_CASE("LineReader strips CR and reports the first CRLF line once") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/x", issues);
  CHECK(allLines("a\r\nb\r\nc\n", &sink) == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 1);
  CHECK(issues[0].format() ==
        "proc/x:1: line ends in CR (CRLF): the file was converted after capture; parsed without "
        "the CR: a");
}

TEST_CASE("ParseIssue formats like ninja and keeps text printable and short") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/meminfo", issues);
  sink.report(12, "Bogus line", "expected 'Key: value kB'");
  sink.report(3, std::string("a\tb\x01", 4), "bad");
  sink.reportMember("empty file");
  sink.report(4, std::string(1000, 'x'), "long");
  REQUIRE(issues.size() == 4);
  CHECK(issues[0].format() == "proc/meminfo:12: expected 'Key: value kB': Bogus line");
  CHECK(issues[1].text == "a\\x09b\\x01");
  CHECK(issues[2].format() == "proc/meminfo: empty file");
  CHECK(issues[3].text == std::string(IssueSink::kMaxTextBytes, 'x') + "...");
}

TEST_CASE("IssueSink stops keeping issues after its cap but counts them") {
  std::vector<ParseIssue> issues;
  IssueSink sink("proc/vmstat", issues);
  for (size_t i = 1; i <= IssueSink::kMaxIssues + 50; ++i)
    sink.report(i, "x", "bad");
  CHECK(sink.reported() == IssueSink::kMaxIssues + 50);
  CHECK(sink.dropped() == 50);
  REQUIRE(issues.size() == IssueSink::kMaxIssues + 1);
  CHECK(issues.back().message == "too many malformed lines; further issues are not reported");
  CHECK(issues.back().line == IssueSink::kMaxIssues + 1);
}

TEST_CASE("parseU64 takes only whole decimal or hex numbers and detects overflow") {
  uint64_t v = 7;
  CHECK(parseU64("18446744073709551615", v) == NumStatus::kOk);
  CHECK(v == UINT64_MAX);
  CHECK(parseU64("18446744073709551616", v) == NumStatus::kOverflow);
  CHECK(parseU64("", v) == NumStatus::kInvalid);
  CHECK(parseU64("12a", v) == NumStatus::kInvalid);
  CHECK(parseU64("-1", v) == NumStatus::kInvalid);
  CHECK(parseU64(" 1", v) == NumStatus::kInvalid);
  CHECK(parseU64("7ffc4878d000", v, 16) == NumStatus::kOk);
  CHECK(v == 0x7ffc4878d000);
  int64_t s = 0;
  CHECK(parseI64("-42", s) == NumStatus::kOk);
  CHECK(s == -42);
}

TEST_CASE("parseKibAsBytes wants 'N kB' and checks the byte size fits") {
  ByteCount b;
  CHECK(parseKibAsBytes("236843328 kB", b) == NumStatus::kOk);
  CHECK(b == ByteCount(236843328ull * 1024));
  CHECK(parseKibAsBytes("   0 kB", b) == NumStatus::kOk);
  CHECK(b == ByteCount(0));
  CHECK(parseKibAsBytes("123", b) == NumStatus::kInvalid);
  CHECK(parseKibAsBytes("123 MB", b) == NumStatus::kInvalid);
  CHECK(parseKibAsBytes("123 kB x", b) == NumStatus::kInvalid);
  CHECK(parseKibAsBytes("18014398509481984 kB", b) == NumStatus::kOverflow);  // 2^54 KiB
  CHECK(parseKibAsBytes("18014398509481983 kB", b) == NumStatus::kOk);
}

TEST_CASE("nextField, trimBlanks and splitKeyColonValue split on blanks and the first colon") {
  std::string_view rest = "  a\t bb  c ";
  CHECK(nextField(rest) == "a");
  CHECK(nextField(rest) == "bb");
  CHECK(nextField(rest) == "c");
  CHECK(nextField(rest).empty());
  CHECK(trimBlanks(" \tx y\t ") == "x y");
  std::string_view k, v;
  REQUIRE(splitKeyColonValue("Name:\tbash: x ", k, v));
  CHECK(k == "Name");
  CHECK(v == "bash: x");
  CHECK_FALSE(splitKeyColonValue("no colon", k, v));
  CHECK_FALSE(splitKeyColonValue(": empty key", k, v));
  CHECK_FALSE(splitKeyColonValue("two words: x", k, v));
}

TEST_CASE("takeNodeZone reads the zoneinfo/buddyinfo prefix") {
  std::string_view rest = "Node 1, zone   Normal   4142 1111";
  unsigned node = 0;
  std::string_view zone;
  REQUIRE(takeNodeZone(rest, node, zone));
  CHECK(node == 1);
  CHECK(zone == "Normal");
  CHECK(trimBlanks(rest) == "4142 1111");
  std::string_view bad = "Node x, zone DMA";
  CHECK_FALSE(takeNodeZone(bad, node, zone));
  CHECK(bad == "Node x, zone DMA");
}
