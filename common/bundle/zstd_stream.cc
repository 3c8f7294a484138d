// zstd streaming compression and decompression for bundles (libzstd's streaming API).
#include "common/bundle/zstd_stream.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/error.h"

namespace memsift::bundle {

ZstdEncoder::ZstdEncoder(ByteSink& sink, int level)
    : sink_(sink), cctx_(ZSTD_createCCtx()), out_size_(ZSTD_CStreamOutSize()) {
  if (cctx_ == nullptr) throw Error(ErrorKind::kInternal, "zstd: cannot create a compressor");
  // Frame checksums let any zstd tool verify a bundle (`zstd -t`) without memsift.
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
  out_ = std::make_unique<std::byte[]>(out_size_);
}

ZstdEncoder::~ZstdEncoder() {
  ZSTD_freeCCtx(cctx_);
}

void ZstdEncoder::drain(int mode, std::span<const std::byte> data) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{out_.get(), out_size_, 0};
    size_t remaining = ZSTD_compressStream2(cctx_, &out, &in, static_cast<ZSTD_EndDirective>(mode));
    if (ZSTD_isError(remaining)) {
      throw Error(ErrorKind::kInternal,
                  std::string("zstd compression failed: ") + ZSTD_getErrorName(remaining));
    }
    if (out.pos > 0) {
      sink_.write(std::span(out_.get(), out.pos));
      out_total_ += out.pos;
    }
    bool input_done = in.pos == in.size;
    if (mode == ZSTD_e_continue ? input_done : (input_done && remaining == 0)) break;
  }
}

void ZstdEncoder::write(std::span<const std::byte> data) {
  if (data.empty()) return;
  drain(ZSTD_e_continue, data);
  in_ += data.size();
  in_frame_ += data.size();
}

void ZstdEncoder::endFrame() {
  drain(ZSTD_e_end, {});
  in_frame_ = 0;
}

ZstdDecoder::ZstdDecoder(ByteSource& source)
    : source_(source), dctx_(ZSTD_createDCtx()), in_size_(ZSTD_DStreamInSize()) {
  if (dctx_ == nullptr) throw Error(ErrorKind::kInternal, "zstd: cannot create a decompressor");
  in_ = std::make_unique<std::byte[]>(in_size_);
}

ZstdDecoder::~ZstdDecoder() {
  ZSTD_freeDCtx(dctx_);
}

size_t ZstdDecoder::read(std::span<std::byte> data) {
  if (state_ != State::kOk || data.empty()) return 0;
  for (;;) {
    if (in_pos_ == in_len_ && !source_eof_) {
      in_len_ = source_.read(std::span(in_.get(), in_size_));
      in_pos_ = 0;
      if (in_len_ == 0) source_eof_ = true;
    }
    if (in_pos_ == in_len_ && source_eof_) {
      state_ = in_frame_ ? State::kTruncated : State::kEnd;
      if (in_frame_) error_ = "the compressed stream ends inside a zstd frame";
      return 0;
    }
    if (!in_frame_) frame_start_ = consumed_;
    ZSTD_inBuffer in{in_.get(), in_len_, in_pos_};
    ZSTD_outBuffer out{data.data(), data.size(), 0};
    size_t ret = ZSTD_decompressStream(dctx_, &out, &in);
    consumed_ += in.pos - in_pos_;
    in_pos_ = in.pos;
    if (ZSTD_isError(ret)) {
      state_ = State::kCorrupt;
      error_ = std::string("zstd: ") + ZSTD_getErrorName(ret) + " at compressed byte " +
               std::to_string(consumed_);
      return out.pos;
    }
    // ret == 0: a frame is complete and fully flushed; otherwise more input is expected.
    in_frame_ = ret != 0;
    if (out.pos > 0) return out.pos;
  }
}

bool ZstdDecoder::skipToNextFrame() {
  if (state_ == State::kOk) {
    state_ = State::kCorrupt;
    error_ = "frame abandoned";
  }
  return resync();
}

bool ZstdDecoder::resync() {
  if (state_ != State::kCorrupt) return false;
  // The frame magic number, 0xFD2FB528 little-endian (RFC 8878, 3.1.1).
  constexpr std::byte kMagic[4] = {std::byte{0x28}, std::byte{0xB5}, std::byte{0x2F},
                                   std::byte{0xFD}};
  if (consumed_ <= frame_start_ && in_pos_ < in_len_) {
    // The frame failed before libzstd consumed any of it (it reports some errors without
    // advancing): look past its magic, or the search finds the same frame again.
    ++in_pos_;
    ++consumed_;
    ++skipped_;
  }
  for (;;) {
    // Keep the last 3 unmatched bytes when refilling, so that a magic split across two reads is
    // still found.
    size_t left = in_len_ - in_pos_;
    if (left < sizeof kMagic) {
      if (source_eof_) return false;
      std::memmove(in_.get(), in_.get() + in_pos_, left);
      size_t n = source_.read(std::span(in_.get() + left, in_size_ - left));
      if (n == 0) source_eof_ = true;
      in_pos_ = 0;
      in_len_ = left + n;
      continue;
    }
    const std::byte* begin = in_.get() + in_pos_;
    const std::byte* end = in_.get() + in_len_;
    const std::byte* hit = std::search(begin, end, std::begin(kMagic), std::end(kMagic));
    if (hit != end) {
      size_t skip = static_cast<size_t>(hit - begin);
      in_pos_ += skip;
      consumed_ += skip;
      skipped_ += skip;
      ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
      state_ = State::kOk;
      in_frame_ = false;
      error_.clear();
      return true;
    }
    // No magic here: drop all but the last 3 bytes, which may start one.
    size_t skip = left - (sizeof kMagic - 1);
    in_pos_ += skip;
    consumed_ += skip;
    skipped_ += skip;
  }
}

}  // namespace memsift::bundle
