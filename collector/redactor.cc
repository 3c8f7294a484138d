// SipHash-2-4 and the redaction of command lines and host names.
#include "collector/redactor.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/error.h"

namespace memsift::collector {

namespace {

inline uint64_t rotl(uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

struct SipState {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void absorb(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

uint64_t loadLe64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

}  // namespace

uint64_t sipHash24(const std::array<uint64_t, 2>& key, std::string_view data) {
  SipState s{key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
             key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull};
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8)
    s.absorb(loadLe64(p + i));
  uint64_t last = static_cast<uint64_t>(n & 0xff) << 56;
  for (size_t i = 0; i < (n & 7); ++i)
    last |= static_cast<uint64_t>(p[whole + i]) << (8 * i);
  s.absorb(last);
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i)
    s.round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

Redactor::Redactor() {
  unsigned char buf[16];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = ::getrandom(buf + got, sizeof buf - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::kInternal, errnoMessage("getrandom", errno));
    }
    got += static_cast<size_t>(n);
  }
  key_ = {loadLe64(buf), loadLe64(buf + 8)};
}

std::string Redactor::token(std::string_view value) const {
  char buf[24];
  std::snprintf(buf, sizeof buf, "h:%016llx",
                static_cast<unsigned long long>(sipHash24(key_, value)));
  return buf;
}

void Redactor::redactCmdline(std::string_view in, std::string& out) const {
  out.clear();
  size_t pos = 0;
  bool first = true;
  while (pos < in.size()) {
    size_t end = in.find('\0', pos);
    bool terminated = end != std::string_view::npos;
    if (!terminated) end = in.size();
    std::string_view arg = in.substr(pos, end - pos);
    if (first) {
      // Programs that rewrite their title (setproctitle) put everything into argv[0]: keep only
      // its first word, the program name.
      size_t space = arg.find(' ');
      out.append(arg.substr(0, space));
      if (space != std::string_view::npos) {
        out.push_back(' ');
        out.append(token(arg.substr(space + 1)));
      }
    } else {
      out.append(token(arg));
    }
    if (terminated) out.push_back('\0');
    first = false;
    pos = end + 1;
  }
}

void Redactor::redactLine(std::string_view in, std::string& out) const {
  bool newline = !in.empty() && in.back() == '\n';
  if (newline) in.remove_suffix(1);
  out = token(in);
  if (newline) out.push_back('\n');
}

}  // namespace memsift::collector
