// The numbers that tell zstd frames and member hints apart in a compressed bundle, shared by
// the decoder (zstd_stream.cc) and the capture of frames for parallel decoding (zstd_capture.cc).
// Private to common/bundle/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "common/bundle/zstd_stream.h"

namespace memsift::bundle::zstd_magic {

// The zstd frame magic number, 0xFD2FB528 little-endian (RFC 8878, 3.1.1).
inline constexpr uint32_t kFrameMagic = 0xFD2FB528;
// Skippable frames: magic numbers 0x184D2A50..0x184D2A5F (RFC 8878, 3.1.2).
inline constexpr uint32_t kSkippableMask = 0xFFFFFFF0;
inline constexpr uint32_t kSkippableMagic = 0x184D2A50;
// Payload bytes around the name: the tag, the frame length, the check.
inline constexpr size_t kHintFixedBytes = kMemberHintTag.size() + 8 + 4;

inline uint64_t loadLe(const std::byte* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;)
    v = v << 8 | std::to_integer<uint64_t>(p[i]);
  return v;
}

// Whether the zstd frame that `frame` begins with (at least 5 bytes: magic and frame header
// descriptor) declares a content checksum: the descriptor's bit 2 (RFC 8878, 3.1.1.1.1).
inline bool frameHasChecksum(std::span<const std::byte> frame) {
  return frame.size() >= 5 && loadLe(frame.data(), 4) == kFrameMagic &&
         (std::to_integer<unsigned>(frame[4]) & 0x04) != 0;
}

}  // namespace memsift::bundle::zstd_magic
