// Taking members' hinted zstd frames whole out of the compressed stream, for worker threads to
// decode (see ZstdDecoder::capture), and giving them back when one proves damaged.
//
// Why capture gives up rather than judges: every damage a bundle can have already has its message
// and its recovery in the single-threaded decoder (read(), handleHint(), resync()). A frame that
// is not exactly as the writer makes it is left to that code, with the bytes taken so far put
// back, so that damage reads the same at every thread count.
#include <algorithm>
#include <cstring>

#include "common/bundle/zstd_magic.h"
#include "common/bundle/zstd_stream.h"

namespace memsift::bundle {

using namespace zstd_magic;

size_t ZstdDecoder::pull(std::span<std::byte> into) {
  into = into.first(std::min<uint64_t>(into.size(), in_size_ - pull_at_ % in_size_));
  size_t n = 0;
  if (replay_pos_ < replay_.size()) {
    n = std::min(into.size(), replay_.size() - replay_pos_);
    std::memcpy(into.data(), replay_.data() + replay_pos_, n);
    replay_pos_ += n;
    if (replay_pos_ == replay_.size()) {
      replay_.clear();
      replay_pos_ = 0;
    }
  } else {
    n = source_.read(into);
  }
  pull_at_ += n;
  return n;
}

bool ZstdDecoder::take(uint64_t n, std::vector<std::byte>& into) {
  while (n > 0) {
    if (in_pos_ == in_len_) {
      in_pos_ = in_len_ = 0;
      if (!fill(1)) return false;
    }
    size_t k = static_cast<size_t>(std::min<uint64_t>(n, in_len_ - in_pos_));
    into.insert(into.end(), in_.get() + in_pos_, in_.get() + in_pos_ + k);
    in_pos_ += k;
    consumed_ += k;
    n -= k;
  }
  return true;
}

std::optional<MemberHint> ZstdDecoder::peekHint(size_t& hint_bytes) {
  if (!fill(8 + kMemberHintTag.size())) return std::nullopt;
  const std::byte* p = in_.get() + in_pos_;
  if (loadLe(p, 4) != kMemberHintMagic) return std::nullopt;
  uint64_t size = loadLe(p + 4, 4);
  if (size <= kHintFixedBytes || size > kHintFixedBytes + kMaxHintName || !fill(8 + size))
    return std::nullopt;
  bool damaged = false;
  hint_bytes = static_cast<size_t>(8 + size);
  return parseMemberHint(std::span(in_.get() + in_pos_, hint_bytes), damaged);
}

bool ZstdDecoder::capture(const CaptureFilter& want, uint64_t max_frame_bytes, uint64_t refuse_at,
                          Captured& out) {
  // Inside a series wrapper there are text members only: read() takes them, and checks its end.
  if (state_ != State::kOk || in_frame_ || wrapper_end_ != kNoWrapper) return false;
  out.offset = consumed_;
  out.skipped.clear();
  out.bytes.clear();
  auto give_back = [&] {
    // Nothing taken: the input is as it was (peekHint() only makes bytes available).
    if (out.bytes.empty()) return false;
    rewind(std::move(out.bytes), out.offset);
    out.bytes = {};
    return false;
  };
  for (;;) {
    size_t hint_bytes = 0;
    std::optional<MemberHint> hint = peekHint(hint_bytes);
    if (!hint || hint->frame_bytes > max_frame_bytes) return give_back();
    if (skip_ && skip_(hint->member)) {
      if (!take(hint_bytes + hint->frame_bytes, out.bytes)) return give_back();
      // A skipped frame must end where a frame (or the input) begins, as handleHint() checks.
      bool at_end = !fill(4) && in_pos_ == in_len_;
      uint64_t next = at_end ? 0 : in_len_ - in_pos_ >= 4 ? loadLe(in_.get() + in_pos_, 4) : 0;
      if (at_end || (next != kFrameMagic && (next & kSkippableMask) != kSkippableMagic))
        return give_back();
      out.skipped.push_back(std::move(*hint));
      continue;
    }
    if (consumed_ == refuse_at || !want(hint->member)) return give_back();
    out.hint_at = out.bytes.size();
    out.frame_at = out.hint_at + hint_bytes;
    if (!take(hint_bytes + hint->frame_bytes, out.bytes)) return give_back();
    out.hint = std::move(*hint);
    return true;
  }
}

void ZstdDecoder::rewind(std::vector<std::byte> bytes, uint64_t offset) {
  bytes.insert(bytes.end(), in_.get() + in_pos_, in_.get() + in_len_);
  bytes.insert(bytes.end(), replay_.begin() + static_cast<ptrdiff_t>(replay_pos_), replay_.end());
  replay_ = std::move(bytes);
  replay_pos_ = 0;
  in_pos_ = in_len_ = 0;
  consumed_ = offset;
  pull_at_ = offset;
  if (!replay_.empty()) source_eof_ = false;
}

}  // namespace memsift::bundle
