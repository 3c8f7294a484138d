// The series wrapper's header: written by BundleWriter, checked by ZstdDecoder.
#include "common/bundle/series_wrapper.h"

#include "common/bundle/zstd_magic.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"

namespace memsift::bundle {

namespace {

void appendLe(std::string& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out += static_cast<char>(v >> (8 * i) & 0xff);
}

}  // namespace

void appendSeriesWrapperHeader(std::string& out, unsigned seq, uint64_t frame_bytes) {
  if (seq == 0 || frame_bytes == 0 || frame_bytes > kMaxSeriesWrapperFrames) {
    throw Error(ErrorKind::kInternal, "series wrapper of snapshot " + std::to_string(seq) +
                                          " around " + std::to_string(frame_bytes) + " bytes");
  }
  appendLe(out, kSeriesWrapperMagic, 4);
  appendLe(out, kSeriesWrapperFixedBytes + frame_bytes, 4);
  const size_t payload = out.size();
  out += kSeriesWrapperTag;
  appendLe(out, seq, 4);
  appendLe(out, xxh64(std::string_view(out).substr(payload)) & 0xffffffff, 4);
}

std::optional<SeriesWrapper> parseSeriesWrapperHeader(std::span<const std::byte> header) {
  using zstd_magic::loadLe;
  if (header.size() < kSeriesWrapperHeaderBytes ||
      loadLe(header.data(), 4) != kSeriesWrapperMagic) {
    return std::nullopt;
  }
  const std::string_view bytes(reinterpret_cast<const char*>(header.data()),
                               kSeriesWrapperHeaderBytes);
  const uint64_t size = loadLe(header.data() + 4, 4);
  const std::string_view checked = bytes.substr(8, kSeriesWrapperTag.size() + 4);
  const uint64_t check = loadLe(header.data() + 8 + checked.size(), 4);
  if (bytes.substr(8, kSeriesWrapperTag.size()) != kSeriesWrapperTag ||
      (xxh64(checked) & 0xffffffff) != check || size <= kSeriesWrapperFixedBytes) {
    return std::nullopt;
  }
  SeriesWrapper w;
  w.seq = static_cast<unsigned>(loadLe(header.data() + 8 + kSeriesWrapperTag.size(), 4));
  w.frame_bytes = size - kSeriesWrapperFixedBytes;
  if (w.seq == 0) return std::nullopt;
  return w;
}

}  // namespace memsift::bundle
