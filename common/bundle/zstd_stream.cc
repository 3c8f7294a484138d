// zstd streaming compression and decompression for bundles (libzstd's streaming API).
#include "common/bundle/zstd_stream.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/bundle/series_wrapper.h"
#include "common/bundle/zstd_magic.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"

namespace memsift::bundle {

using namespace zstd_magic;

namespace {

void appendLe(std::string& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out += static_cast<char>(v >> (8 * i) & 0xff);
}

}  // namespace

void appendMemberHint(std::string& out, std::string_view member, uint64_t frame_bytes) {
  if (member.empty() || member.size() > kMaxHintName) {
    throw Error(ErrorKind::kInternal,
                "member hint for a name of " + std::to_string(member.size()) + " bytes");
  }
  appendLe(out, kMemberHintMagic, 4);
  appendLe(out, kHintFixedBytes + member.size(), 4);
  size_t payload = out.size();
  out += kMemberHintTag;
  appendLe(out, frame_bytes, 8);
  out += member;
  appendLe(out, xxh64(std::string_view(out).substr(payload)) & 0xffffffff, 4);
}

std::optional<MemberHint> parseMemberHint(std::span<const std::byte> frame, bool& damaged) {
  damaged = false;
  std::string_view bytes(reinterpret_cast<const char*>(frame.data()), frame.size());
  if (frame.size() < 8 + kMemberHintTag.size() || loadLe(frame.data(), 4) != kMemberHintMagic ||
      bytes.substr(8, kMemberHintTag.size()) != kMemberHintTag) {
    return std::nullopt;
  }
  uint64_t size = loadLe(frame.data() + 4, 4);
  if (size != frame.size() - 8 || size <= kHintFixedBytes ||
      size > kHintFixedBytes + kMaxHintName) {
    damaged = true;
    return std::nullopt;
  }
  std::string_view payload = bytes.substr(8);
  uint64_t check = loadLe(frame.data() + frame.size() - 4, 4);
  if ((xxh64(payload.substr(0, payload.size() - 4)) & 0xffffffff) != check) {
    damaged = true;
    return std::nullopt;
  }
  MemberHint hint;
  hint.frame_bytes = loadLe(frame.data() + 8 + kMemberHintTag.size(), 8);
  hint.member = std::string(payload.substr(kMemberHintTag.size() + 8, size - kHintFixedBytes));
  if (hint.frame_bytes == 0) {  // no zstd frame is empty: a writer never says so
    damaged = true;
    return std::nullopt;
  }
  return hint;
}

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

void ZstdDecoder::fail(State state, std::string message) {
  state_ = state;
  error_ = std::move(message);
}

bool ZstdDecoder::fill(size_t n) {
  while (in_len_ - in_pos_ < n) {
    if (source_eof_) return false;
    size_t left = in_len_ - in_pos_;
    std::memmove(in_.get(), in_.get() + in_pos_, left);
    in_pos_ = 0;
    in_len_ = left;
    size_t got = pull(std::span(in_.get() + left, in_size_ - left));
    if (got == 0) source_eof_ = true;
    in_len_ += got;
  }
  return true;
}

std::vector<MemberHint> ZstdDecoder::takeSkippedMembers() {
  std::vector<MemberHint> out;
  out.swap(skipped_members_);
  return out;
}

bool ZstdDecoder::wrapperBoundary() {
  if (wrapper_end_ != kNoWrapper && consumed_ >= wrapper_end_) {
    const bool exact = consumed_ == wrapper_end_;
    wrapper_end_ = kNoWrapper;
    if (!exact) {
      fail(State::kCorrupt, "the series wrapper of snapshot " + std::to_string(wrapper_seq_) +
                                " announces " + std::to_string(wrapper_bytes_) +
                                " compressed bytes, which do not end at a zstd frame (at "
                                "compressed byte " +
                                std::to_string(consumed_) + ")");
      return false;
    }
  }
  if (!fill(8) || loadLe(in_.get() + in_pos_, 4) != kSeriesWrapperMagic) return true;
  return enterWrapper();
}

bool ZstdDecoder::enterWrapper() {
  if (!fill(kSeriesWrapperHeaderBytes)) {
    fail(State::kTruncated, "the compressed stream ends inside a series wrapper's header");
    return false;
  }
  std::optional<SeriesWrapper> w =
      parseSeriesWrapperHeader(std::span(in_.get() + in_pos_, kSeriesWrapperHeaderBytes));
  // A wrapper inside a wrapper is none the writer makes.
  if (!w || wrapper_end_ != kNoWrapper) {
    fail(State::kCorrupt, "damaged series wrapper at compressed byte " + std::to_string(consumed_));
    return false;
  }
  in_pos_ += kSeriesWrapperHeaderBytes;
  consumed_ += kSeriesWrapperHeaderBytes;
  wrapper_end_ = consumed_ + w->frame_bytes;
  wrapper_seq_ = w->seq;
  wrapper_bytes_ = w->frame_bytes;
  return true;
}

bool ZstdDecoder::handleHint() {
  // Several hinted frames may be skipped in a row.
  for (;;) {
    if (!wrapperBoundary()) return false;
    // Anything without our magic number is left to libzstd, which judges it as before (a frame,
    // another skippable frame, truncation, garbage); so is a stream too short for a hint.
    if (!fill(8 + kMemberHintTag.size())) return true;
    const std::byte* p = in_.get() + in_pos_;
    if (loadLe(p, 4) != kMemberHintMagic) return true;
    uint64_t size = loadLe(p + 4, 4);
    auto damaged_hint = [&] {
      fail(State::kCorrupt, "damaged member hint at compressed byte " + std::to_string(consumed_));
      return false;
    };
    if (std::memcmp(p + 8, kMemberHintTag.data(), kMemberHintTag.size()) != 0 ||
        size <= kHintFixedBytes || size > kHintFixedBytes + kMaxHintName) {
      return damaged_hint();
    }
    if (!fill(8 + size)) {
      fail(State::kTruncated, "the compressed stream ends inside a member hint");
      return false;
    }
    bool damaged = false;
    std::optional<MemberHint> hint =
        parseMemberHint(std::span(in_.get() + in_pos_, 8 + size), damaged);
    if (!hint) return damaged_hint();
    in_pos_ += 8 + size;
    consumed_ += 8 + size;
    if (!skip_ || !skip_(hint->member)) {
      // Its frame is decoded as usual, and must end where the hint says (checked in read()).
      hinted_start_ = consumed_;
      hinted_bytes_ = hint->frame_bytes;
      hinted_member_ = std::move(hint->member);
      hinted_checksum_ = fill(5) && frameHasChecksum(std::span(in_.get() + in_pos_, 5));
      return true;
    }

    // Skip the announced frame: read and discard, never decompress.
    skipping_ = hint->member;
    for (uint64_t left = hint->frame_bytes; left > 0;) {
      if (in_pos_ == in_len_) {
        in_pos_ = in_len_ = 0;
        if (!fill(1)) {
          fail(State::kTruncated,
               "the compressed stream ends inside the skipped frame of member " + hint->member);
          return false;
        }
      }
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, in_len_ - in_pos_));
      in_pos_ += n;
      consumed_ += n;
      left -= n;
    }
    // The hint must end where a frame (or the input) begins: otherwise it lied.
    bool at_end = !fill(4) && in_pos_ == in_len_;
    uint64_t next = at_end ? 0 : in_len_ - in_pos_ >= 4 ? loadLe(in_.get() + in_pos_, 4) : 0;
    if (!at_end && next != kFrameMagic && (next & kSkippableMask) != kSkippableMagic) {
      fail(State::kCorrupt, "the member hint of " + hint->member + " announces " +
                                std::to_string(hint->frame_bytes) +
                                " compressed bytes, which do not end at a zstd frame (at "
                                "compressed byte " +
                                std::to_string(consumed_) + ")");
      return false;
    }
    skipping_.clear();
    skipped_members_.push_back(std::move(*hint));
    if (at_end) return true;
  }
}

size_t ZstdDecoder::read(std::span<std::byte> data) {
  if (state_ != State::kOk || data.empty()) return 0;
  for (;;) {
    if (!in_frame_ && !handleHint()) return 0;
    if (in_pos_ == in_len_ && !source_eof_) {
      in_len_ = pull(std::span(in_.get(), in_size_));
      in_pos_ = 0;
      if (in_len_ == 0) source_eof_ = true;
    }
    if (in_pos_ == in_len_ && source_eof_) {
      const bool in_wrapper = wrapper_end_ != kNoWrapper;
      state_ = in_frame_ || in_wrapper ? State::kTruncated : State::kEnd;
      if (in_frame_) error_ = "the compressed stream ends inside a zstd frame";
      if (in_wrapper) {
        error_ += (in_frame_ ? ", " : "the compressed stream ends ") +
                  std::string("inside the series wrapper of snapshot ") +
                  std::to_string(wrapper_seq_);
      }
      return 0;
    }
    if (!in_frame_) {
      frame_start_ = consumed_;
      frame_checksummed_hinted_ = hinted_start_ == consumed_ && hinted_checksum_;
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
      produced_ += out.pos;
      return out.pos;
    }
    // ret == 0: a frame is complete and fully flushed; otherwise more input is expected.
    in_frame_ = ret != 0;
    produced_ += out.pos;
    if (ret == 0 && hinted_start_ != kNoHint) {
      uint64_t frame = consumed_ - hinted_start_;
      hinted_start_ = kNoHint;
      if (frame != hinted_bytes_) {
        // The frame's data is intact (and returned); the stream is not what it says.
        fail(State::kCorrupt, "the member hint of " + hinted_member_ + " announces " +
                                  std::to_string(hinted_bytes_) +
                                  " compressed bytes, its frame has " + std::to_string(frame) +
                                  " (at compressed byte " + std::to_string(consumed_) + ")");
        return out.pos;
      }
    }
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
      size_t n = pull(std::span(in_.get() + left, in_size_ - left));
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
      skipping_.clear();
      hinted_start_ = kNoHint;
      // Resumed inside the wrapper being read, its end is still checked; past it, it is left.
      if (wrapper_end_ != kNoWrapper && consumed_ >= wrapper_end_) wrapper_end_ = kNoWrapper;
      frame_checksummed_hinted_ = false;
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
