// --redact: replaces command-line arguments and the host name by keyed hashes, so that a bundle
// can leave the customer's site without secrets passed on command lines or the machine's name,
// while equal values still compare equal inside one bundle (the key is random per run and never
// written anywhere, so the hashes cannot be reversed by trying guesses).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace memsift::collector {

class Redactor {
 public:
  Redactor();  // draws a fresh random key (getrandom(2))
  explicit Redactor(const std::array<uint64_t, 2>& key) : key_(key) {}

  // "h:" and 16 hex digits of SipHash-2-4(key, value).
  std::string token(std::string_view value) const;
  // /proc/PID/cmdline: NUL-separated arguments. The first word of argv[0] (the program) is kept;
  // the rest of argv[0] and every further argument become tokens. Separators are kept.
  void redactCmdline(std::string_view in, std::string& out) const;
  // A one-line value such as the host name: its token, keeping a trailing newline if any.
  void redactLine(std::string_view in, std::string& out) const;

 private:
  std::array<uint64_t, 2> key_;
};

// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed hash
// meant exactly for this: short inputs, secret key.
uint64_t sipHash24(const std::array<uint64_t, 2>& key, std::string_view data);

}  // namespace memsift::collector
