// The zstd layer of a bundle: a streaming compressor into a ByteSink (frame checksums on) and a
// streaming decompressor from a ByteSource that tells a clean end from a truncated frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/bundle/byte_stream.h"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace memsift::bundle {

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
  State state() const { return state_; }
  const std::string& error() const { return error_; }
  uint64_t compressedOffset() const { return consumed_; }

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
};

}  // namespace memsift::bundle
