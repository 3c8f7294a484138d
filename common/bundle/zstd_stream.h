// The zstd layer of a bundle: a streaming compressor into a ByteSink (frame checksums on) and a
// streaming decompressor from a ByteSource that tells a clean end from a truncated frame, that
// can skip a member's frame unread when a member hint announces it, and that decodes the frames
// inside series wrappers (series_wrapper.h) as if they were not wrapped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bundle/byte_stream.h"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace memsift::bundle {

// A member hint (bundle format 1.1) is a zstd skippable frame (RFC 8878, 3.1.2) written just
// before a frame that holds exactly one tar member, saying which member and how many compressed
// bytes its frame has, so that a reader that does not want the member skips it without
// decompressing. Every zstd decoder skips skippable frames, so tar and zstd -dc never see it.
//   u32 LE  kMemberHintMagic               skippable frame magic (0x184D2A50..5F: ours is 5A)
//   u32 LE  payload size                   23 + name length + 4
//   payload "memsift-member\0"             15 bytes
//           u64 LE  frame bytes            compressed size of the next frame (the member's)
//           name                           the member name (tar path), 1..kMaxHintName bytes
//           u32 LE  check                  low 32 bits of XXH64 (seed 0) of the payload before it
inline constexpr uint32_t kMemberHintMagic = 0x184D2A5A;
inline constexpr std::string_view kMemberHintTag{"memsift-member\0", 15};
inline constexpr size_t kMaxHintName = 4096;

// Appends the hint for `member`, whose frame has `frame_bytes` compressed bytes, to `out`.
void appendMemberHint(std::string& out, std::string_view member, uint64_t frame_bytes);

struct MemberHint {
  std::string member;
  uint64_t frame_bytes = 0;
};
// Parses one whole skippable frame (header included). nullopt if it is not a member hint;
// `damaged` is set when it has the hint's magic number and tag but is malformed or fails its
// check. (The decoder takes any frame with the hint's magic number for a damaged hint.)
std::optional<MemberHint> parseMemberHint(std::span<const std::byte> frame, bool& damaged);

class ZstdEncoder {
 public:
  ZstdEncoder(ByteSink& sink, int level);
  ~ZstdEncoder();
  ZstdEncoder(const ZstdEncoder&) = delete;
  ZstdEncoder& operator=(const ZstdEncoder&) = delete;

  void write(std::span<const std::byte> data);
  // Ends the current frame (a later write() starts a new one). Concatenated frames form one
  // valid zstd stream for every decoder.
  void endFrame();
  uint64_t bytesIn() const { return in_; }
  uint64_t bytesOut() const { return out_total_; }
  uint64_t bytesInFrame() const { return in_frame_; }

 private:
  void drain(int mode, std::span<const std::byte> data);
  ByteSink& sink_;
  ZSTD_CCtx_s* cctx_;
  std::unique_ptr<std::byte[]> out_;
  size_t out_size_;
  uint64_t in_ = 0, in_frame_ = 0, out_total_ = 0;
};

class ZstdDecoder {
 public:
  enum class State { kOk, kEnd, kTruncated, kCorrupt };

  explicit ZstdDecoder(ByteSource& source);
  ~ZstdDecoder();
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  // Decompresses up to data.size() bytes. Returns 0 only when state() is no longer kOk: kEnd
  // (every frame complete), kTruncated (input ended inside a frame) or kCorrupt (see error()).
  size_t read(std::span<std::byte> data);
  // After kCorrupt: skips to the next zstd frame (the next frame magic number in the compressed
  // input, past the damage) and decodes on from there. Returns false, leaving the state as it
  // was, when no frame follows. A magic number that occurs by chance inside compressed data
  // only leads to another error and another resync further on.
  bool resync();
  // Abandons the frame being decoded (its data is not wanted) and resyncs to the next one.
  bool skipToNextFrame();
  // Compressed bytes skipped by resync() so far.
  uint64_t skippedBytes() const { return skipped_; }

  // Called, at a frame boundary, with the member a member hint announces: true skips the hint
  // and the member's frame without decompressing them (the input is read and discarded). A
  // hint whose frame does not end where it says (not at a frame magic number or the end of the
  // input) is corruption; a stream ending inside a skipped frame is truncation. A hinted frame
  // that is decoded (no filter, or the filter said no) must end where its hint says too, else it
  // is corruption, reported once the frame's intact data has been returned.
  using SkipFilter = std::function<bool(std::string_view member)>;
  void setSkipFilter(SkipFilter skip) { skip_ = std::move(skip); }
  // Series wrappers need no call: the decoder enters one at a frame boundary (its header
  // checked: a damaged one is corruption, and resync() goes on at its first frame) and decodes
  // the frames inside as any others. The wrapper must end at a frame boundary (else corruption);
  // an input that ends inside it is truncation.

  // Members whose frames were skipped since the last call, in stream order.
  std::vector<MemberHint> takeSkippedMembers();
  bool skippedPending() const { return !skipped_members_.empty(); }
  // The member whose frame was being skipped when the stream ended or broke ("" otherwise).
  const std::string& interruptedSkip() const { return skipping_; }
  // Whether the frame being decoded (or the last one, until the next begins) is the frame a
  // member hint announced for `member` and carries a content checksum: the member's bytes are
  // then verified by that checksum as the frame ends, and need no other hash.
  bool frameChecksumCovers(std::string_view member) const {
    return frame_checksummed_hinted_ && member == hinted_member_;
  }
  // Decompressed bytes produced so far.
  uint64_t bytesOut() const { return produced_; }
  State state() const { return state_; }
  const std::string& error() const { return error_; }
  uint64_t compressedOffset() const { return consumed_; }

  // Parallel decoding (zstd_capture.cc). At a frame boundary, when the next frame is a member's
  // hinted frame that `want` accepts, takes its compressed bytes whole (with the hint, and any
  // hinted frames before it that the skip filter skips) for another thread to decode, and returns
  // true. Returns false, having consumed nothing, when the stream does not go on with such a
  // frame, when it would be longer than `max_frame_bytes`, when its hint begins at compressed byte
  // `refuse_at`, or when anything about it is not as the writer makes it: the frame is then left
  // to read() and its checks, which report any damage as a single-threaded reader does.
  struct Captured {
    uint64_t offset = 0;              // compressed offset where `bytes` begin
    std::vector<MemberHint> skipped;  // hinted frames skipped before the member's (in `bytes`)
    MemberHint hint;                  // the member's
    size_t hint_at = 0;               // where in `bytes` its hint begins
    size_t frame_at = 0;              // where in `bytes` the member's frame begins
    std::vector<std::byte> bytes;
  };
  using CaptureFilter = std::function<bool(std::string_view member)>;
  bool capture(const CaptureFilter& want, uint64_t max_frame_bytes, uint64_t refuse_at,
               Captured& out);
  // Puts compressed bytes taken by capture() back in front of the input (the member's frame
  // proved damaged: it is read again here, and what was captured after it too), going back to
  // compressed offset `offset`, where they began. `produced` is not changed.
  void rewind(std::vector<std::byte> bytes, uint64_t offset);

 private:
  ByteSource& source_;
  ZSTD_DCtx_s* dctx_;
  std::unique_ptr<std::byte[]> in_;
  size_t in_size_, in_pos_ = 0, in_len_ = 0;
  bool source_eof_ = false;
  bool in_frame_ = false;  // decoding started a frame not yet finished
  uint64_t consumed_ = 0;
  uint64_t skipped_ = 0;
  uint64_t frame_start_ = 0;  // compressed offset where the frame being decoded began
  State state_ = State::kOk;
  std::string error_;
  SkipFilter skip_;
  std::vector<MemberHint> skipped_members_;
  std::string skipping_;
  uint64_t produced_ = 0;
  // The frame being decoded was announced by a hint: where it started, its announced length.
  static constexpr uint64_t kNoHint = UINT64_MAX;
  uint64_t hinted_start_ = kNoHint;
  uint64_t hinted_bytes_ = 0;
  std::string hinted_member_;
  bool hinted_checksum_ = false;           // the hinted frame's header asks for a checksum
  bool frame_checksummed_hinted_ = false;  // the frame begun last is that frame

  // The series wrapper being read: the compressed offset where it ends, its snapshot.
  static constexpr uint64_t kNoWrapper = UINT64_MAX;
  uint64_t wrapper_end_ = kNoWrapper;
  unsigned wrapper_seq_ = 0;
  uint64_t wrapper_bytes_ = 0;

  // Bytes given back by rewind(), read before the source's.
  std::vector<std::byte> replay_;
  size_t replay_pos_ = 0;
  // Compressed offset of the next byte pull() returns.
  uint64_t pull_at_ = 0;
  // Reads the input: replayed bytes first, then the source. A read never crosses a multiple of
  // the input buffer's size: libzstd's progress through damaged data (the offset a damage
  // message gives) depends on where its input ends, which must not depend on what the reader
  // did before (capture() and rewind() read differently from read()).
  size_t pull(std::span<std::byte> into);
  // Moves n input bytes to the end of `into`; false when the input ends first.
  bool take(uint64_t n, std::vector<std::byte>& into);
  // The hint at the input position, if it is a well-formed one (nothing consumed).
  std::optional<MemberHint> peekHint(size_t& hint_bytes);

  // Makes at least n unread input bytes available (moving what is left to the front of the
  // buffer); false when the input ends first.
  bool fill(size_t n);
  // At a frame boundary: handles a member hint at the input position. Returns false when the
  // state is no longer kOk.
  bool handleHint();
  // At a frame boundary: leaves the wrapper that ends here (corruption if it ended inside the
  // frame before), and enters one that begins here. False when the state is no longer kOk.
  bool wrapperBoundary();
  bool enterWrapper();
  void fail(State state, std::string message);
};

}  // namespace memsift::bundle
