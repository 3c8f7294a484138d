// Terminal-safe text (see terminal_text.h).
#include "common/text/terminal_text.h"

#include <cstdint>
#include <cstdio>

#include "common/text/utf8.h"

namespace memsift {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void appendEscapedByte(std::string& out, unsigned char c) {
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

uint32_t decodeUtf8(std::string_view s, size_t i, size_t n) {
  auto at = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k])); };
  uint32_t cp = at(i) & (0x7f >> n);
  for (size_t k = 1; k < n; ++k)
    cp = (cp << 6) | (at(i + k) & 0x3f);
  return cp;
}

// C1 controls (a terminal may read U+009B as CSI) and the bidirectional overrides and isolates
// that make text display in another order than it is stored ("Trojan Source", CVE-2021-42574).
bool isInvisibleControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f;
}

}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {  // C0 controls and DEL
      appendEscapedByte(out, c);
      ++i;
      continue;
    }
    size_t n = utf8SequenceLength(s, i);
    if (n == 0) {
      appendEscapedByte(out, c);
      ++i;
      continue;
    }
    uint32_t cp = decodeUtf8(s, i, n);
    if (isInvisibleControl(cp)) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace memsift
