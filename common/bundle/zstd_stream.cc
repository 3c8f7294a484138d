// zstd streaming compression and decompression for bundles (libzstd's streaming API).
#include "common/bundle/zstd_stream.h"

#include <zstd.h>

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

}  // namespace memsift::bundle
