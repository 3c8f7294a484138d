// A series wrapper (bundle format 1.3): the zstd skippable frame that holds a cheap snapshot's
// frames, so that readers before 1.3, tar and zstd pass over the snapshot as they pass over any
// skippable frame, and a 1.3 reader decodes the frames inside as if they were not wrapped (their
// tar members continue the bundle's tar stream). docs/bundle-format.md, "Series wrappers".
//   u32 LE  kSeriesWrapperMagic            skippable frame magic (the member hint's is 5A)
//   u32 LE  payload size                   kSeriesWrapperFixedBytes + the inner frames' bytes
//   payload "memsift-series\0"             15 bytes
//           u32 LE  K                      the snapshot's number (1-based)
//           u32 LE  check                  low 32 bits of XXH64 (seed 0) of the tag and K
//           frames                         ordinary zstd frames, checksums on, >= 1 byte
// Why a wrapper and not a member hint: a hint only announces a frame that follows it, which
// every reader then decodes; what is inside a skippable frame exists for a zstd decoder only when
// it knows to look.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace memsift::bundle {

inline constexpr uint32_t kSeriesWrapperMagic = 0x184D2A5B;
inline constexpr std::string_view kSeriesWrapperTag{"memsift-series\0", 15};
// The payload bytes before the inner frames: the tag, K and the check.
inline constexpr size_t kSeriesWrapperFixedBytes = kSeriesWrapperTag.size() + 4 + 4;
// The whole header, magic and size included: what a reader needs to see to enter the wrapper.
inline constexpr size_t kSeriesWrapperHeaderBytes = 8 + kSeriesWrapperFixedBytes;
// A skippable frame's size field is 32 bits: the frames a wrapper can hold.
inline constexpr uint64_t kMaxSeriesWrapperFrames = UINT32_MAX - kSeriesWrapperFixedBytes;

// Appends the header of snapshot `seq`'s wrapper around `frame_bytes` bytes of frames to `out`.
void appendSeriesWrapperHeader(std::string& out, unsigned seq, uint64_t frame_bytes);

struct SeriesWrapper {
  unsigned seq = 0;
  uint64_t frame_bytes = 0;  // of the inner frames
};
// Parses a header (kSeriesWrapperHeaderBytes) that begins with kSeriesWrapperMagic: nullopt when
// it is damaged (not the tag, a failed check, no frames inside, K = 0).
std::optional<SeriesWrapper> parseSeriesWrapperHeader(std::span<const std::byte> header);

}  // namespace memsift::bundle
