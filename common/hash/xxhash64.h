// XXH64, the 64-bit xxHash: member checksums in a bundle's index (the same hash zstd uses for its
// frame checksum, of which it stores the low 32 bits). Written from the published specification
// (github.com/Cyan4973/xxHash, doc/xxhash_spec.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace memsift {

// Incremental XXH64: update() any number of times, digest() at any point.
class Xxh64 {
 public:
  explicit Xxh64(uint64_t seed = 0) { reset(seed); }
  void reset(uint64_t seed = 0);
  void update(std::span<const std::byte> data);
  void update(std::string_view data) {
    update(std::span(reinterpret_cast<const std::byte*>(data.data()), data.size()));
  }
  uint64_t digest() const;

 private:
  uint64_t acc_[4];
  uint64_t seed_;
  uint64_t total_ = 0;
  unsigned char pending_[32];
  size_t pending_len_ = 0;
};

uint64_t xxh64(std::string_view data, uint64_t seed = 0);
// 16 lower-case hex digits, as stored in index.json.
std::string xxh64Hex(uint64_t hash);

}  // namespace memsift
