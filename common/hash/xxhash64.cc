// XXH64 from its specification: four lanes of 8-byte rounds over 32-byte stripes, then a merge,
// the tail and an avalanche.
#include "common/hash/xxhash64.h"

#include <bit>
#include <cstdio>
#include <cstring>

namespace memsift {
namespace {

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ull;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t kP3 = 0x165667B19E3779F9ull;
constexpr uint64_t kP4 = 0x85EBCA77C2B2AE63ull;
constexpr uint64_t kP5 = 0x27D4EB2F165667C5ull;

// The specification reads input as little-endian words whatever the host's byte order.
inline uint64_t load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline uint32_t load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

inline uint64_t round(uint64_t acc, uint64_t lane) {
  acc += lane * kP2;
  acc = std::rotl(acc, 31);
  return acc * kP1;
}

inline uint64_t mergeRound(uint64_t h, uint64_t acc) {
  h ^= round(0, acc);
  return h * kP1 + kP4;
}

inline void stripe(uint64_t acc[4], const unsigned char* p) {
  acc[0] = round(acc[0], load64(p));
  acc[1] = round(acc[1], load64(p + 8));
  acc[2] = round(acc[2], load64(p + 16));
  acc[3] = round(acc[3], load64(p + 24));
}

}  // namespace

void Xxh64::reset(uint64_t seed) {
  seed_ = seed;
  acc_[0] = seed + kP1 + kP2;
  acc_[1] = seed + kP2;
  acc_[2] = seed;
  acc_[3] = seed - kP1;
  total_ = 0;
  pending_len_ = 0;
}

void Xxh64::update(std::span<const std::byte> data) {
  if (data.empty()) return;  // data() may be null: memcpy must not see it
  auto p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
  total_ += n;
  if (pending_len_ > 0) {
    size_t take = std::min(n, sizeof pending_ - pending_len_);
    std::memcpy(pending_ + pending_len_, p, take);
    pending_len_ += take;
    p += take;
    n -= take;
    if (pending_len_ < sizeof pending_) return;
    stripe(acc_, pending_);
    pending_len_ = 0;
  }
  uint64_t a[4] = {acc_[0], acc_[1], acc_[2], acc_[3]};
  for (; n >= 32; p += 32, n -= 32)
    stripe(a, p);
  std::memcpy(acc_, a, sizeof a);
  std::memcpy(pending_, p, n);
  pending_len_ = n;
}

uint64_t Xxh64::digest() const {
  uint64_t h;
  if (total_ >= 32) {
    h = std::rotl(acc_[0], 1) + std::rotl(acc_[1], 7) + std::rotl(acc_[2], 12) +
        std::rotl(acc_[3], 18);
    for (uint64_t acc : acc_)
      h = mergeRound(h, acc);
  } else {
    h = seed_ + kP5;
  }
  h += total_;
  const unsigned char* p = pending_;
  size_t n = pending_len_;
  for (; n >= 8; p += 8, n -= 8) {
    h ^= round(0, load64(p));
    h = std::rotl(h, 27) * kP1 + kP4;
  }
  if (n >= 4) {
    h ^= uint64_t{load32(p)} * kP1;
    h = std::rotl(h, 23) * kP2 + kP3;
    p += 4;
    n -= 4;
  }
  for (; n > 0; ++p, --n) {
    h ^= uint64_t{*p} * kP5;
    h = std::rotl(h, 11) * kP1;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

uint64_t xxh64(std::string_view data, uint64_t seed) {
  Xxh64 h(seed);
  h.update(data);
  return h.digest();
}

std::string xxh64Hex(uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

}  // namespace memsift
