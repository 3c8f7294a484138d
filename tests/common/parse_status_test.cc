// /proc/PID/status and /proc/PID/statm from a real 6.18 process, and bad lines.
#include "common/parse/statm.h"
#include "common/parse/status.h"

#include <catch2/catch.hpp>

#include "tests/common/parse_test_util.h"

using namespace memsift;
using namespace memsift::parse;
using memsift::parse::test::captured;
using memsift::parse::test::Issues;

TEST_CASE("status: a real 6.18 process, every key kept as text, typed on lookup") {
  std::string text = captured("proc_pid_status");
  Issues is("proc/5272/status");
  ProcStatus s = parseStatus(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  CHECK(s.fields.size() == 59);
  CHECK(s.text("Name") == "bash");
  CHECK(s.text("State") == "S (sleeping)");
  CHECK(s.text("Uid") == "0\t0\t0\t0");
  CHECK(s.text("Groups") == "");
  CHECK(s.number("Tgid") == uint64_t{5272});
  CHECK(s.number("PPid") == uint64_t{5270});
  CHECK(s.number("Threads") == uint64_t{1});
  CHECK(s.bytes("VmRSS") == ByteCount(3132 * 1024));
  CHECK(s.bytes("RssAnon") == ByteCount(272 * 1024));
  CHECK(s.bytes("RssFile") == ByteCount(2860 * 1024));
  CHECK(s.bytes("VmSwap") == ByteCount(0));
  CHECK(s.text("untag_mask") == "0xffffffffffffffff");
  CHECK_FALSE(s.bytes("Name"));    // not a size
  CHECK_FALSE(s.number("VmRSS"));  // a size, not a plain number
  CHECK_FALSE(s.bytes("NoSuchKey"));
}

TEST_CASE("status: bad lines are reported, the rest parses") {
  std::string text =
      "Name:\tqemu-kvm\n"
      "this line has no key\n"
      "VmRSS:\t 99999999999999999999 kB\n"
      "RssAnon:\t  1024 kB\n"
      "Threads:\t3";
  Issues is("proc/9/status");
  ProcStatus s = parseStatus(text, is.sink);
  REQUIRE(is.list.size() == 2);
  CHECK(is.list[0].format() == "proc/9/status:2: expected 'Key:\\tvalue': this line has no key");
  CHECK(is.list[1].format() ==
        "proc/9/status:3: expected 'Key:\\tvalue kB': number too large for 64 bits: "
        "VmRSS:\\x09 99999999999999999999 kB");
  CHECK(s.text("Name") == "qemu-kvm");
  CHECK_FALSE(s.bytes("VmRSS"));
  CHECK(s.bytes("RssAnon") == ByteCount(1024 * 1024));
  CHECK(s.number("Threads") == uint64_t{3});
}

TEST_CASE("statm: seven page counts") {
  std::string text = captured("proc_pid_statm");
  Issues is("proc/5272/statm");
  std::optional<Statm> m = parseStatm(text, is.sink);
  INFO(is.text());
  CHECK(is.list.empty());
  REQUIRE(m);
  CHECK(m->size == PageCount(1090));
  CHECK(m->resident == PageCount(783));  // VmRSS 3132 kB / 4 KiB pages
  CHECK(m->shared == PageCount(715));
  CHECK(m->text == PageCount(193));
  CHECK(m->lib == PageCount(0));
  CHECK(m->data == PageCount(109));
  CHECK(m->dirty == PageCount(0));
}

TEST_CASE("statm: short, overflowing, empty and extra lines") {
  {
    Issues is("proc/1/statm");
    CHECK_FALSE(parseStatm("1 2 3\n", is.sink));
    REQUIRE(is.list.size() == 1);
    CHECK(is.list[0].format() ==
          "proc/1/statm:1: expected 'size resident shared text lib data dt': not a number: 1 2 3");
  }
  {
    Issues is("proc/1/statm");
    CHECK_FALSE(parseStatm("1 2 3 4 5 6 99999999999999999999\n", is.sink));
    REQUIRE(is.list.size() == 1);
    CHECK(is.list[0].message ==
          "expected 'size resident shared text lib data dt': number too large for 64 bits");
  }
  {
    Issues is("proc/1/statm");
    CHECK_FALSE(parseStatm("", is.sink));
    REQUIRE(is.list.size() == 1);
    CHECK(is.list[0].format() == "proc/1/statm: empty file");
  }
  {
    Issues is("proc/1/statm");
    auto m = parseStatm("1 2 3 4 0 6 0\r\nextra\n", is.sink);
    REQUIRE(m);
    CHECK(m->data == PageCount(6));
    REQUIRE(is.list.size() == 2);
    CHECK(is.list[0].line == 1);  // CRLF
    CHECK(is.list[1].format() == "proc/1/statm:2: unexpected extra line: extra");
  }
}
