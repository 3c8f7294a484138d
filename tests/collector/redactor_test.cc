// --redact: SipHash-2-4 against the reference vectors, and what is kept or hashed.
#include "collector/redactor.h"

#include <catch2/catch.hpp>
#include <string>

namespace memsift::collector {
namespace {

using namespace std::string_literals;

// Key 00 01 .. 0f, as in the SipHash paper's appendix and the reference implementation.
constexpr std::array<uint64_t, 2> kKey = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};

TEST_CASE("SipHash-2-4 matches the reference vectors") {
  CHECK(sipHash24(kKey, "") == 0x726fdb47dd0e0e31ull);
  std::string fifteen;
  for (int i = 0; i < 15; ++i)
    fifteen.push_back(static_cast<char>(i));
  CHECK(sipHash24(kKey, fifteen) == 0xa129ca6149be45e5ull);
  std::string sixty_three;
  for (int i = 0; i < 63; ++i)
    sixty_three.push_back(static_cast<char>(i));
  CHECK(sipHash24(kKey, sixty_three) == 0x958a324ceb064572ull);
}

TEST_CASE("redacted command lines keep the program and hash the arguments") {
  Redactor r(kKey);
  std::string out;
  r.redactCmdline("qemu-system-x86_64\0-name\0guest=secret\0"s, out);
  CHECK(out ==
        "qemu-system-x86_64\0"s + r.token("-name") + "\0"s + r.token("guest=secret") + "\0"s);
  CHECK(out.find("secret") == std::string::npos);
  // setproctitle-style: everything in argv[0].
  r.redactCmdline("postgres: alice db 10.0.0.1\0"s, out);
  CHECK(out == "postgres: "s + r.token("alice db 10.0.0.1") + "\0"s);
  r.redactCmdline("", out);
  CHECK(out.empty());
  r.redactLine("db-host-7\n", out);
  CHECK(out == r.token("db-host-7") + "\n");
  CHECK(r.token("x") == r.token("x"));
  CHECK(r.token("x").size() == 18);
  CHECK(Redactor().token("x") != Redactor().token("x"));  // a fresh key per run
}

}  // namespace
}  // namespace memsift::collector
