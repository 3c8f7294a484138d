// Page-table members compressed apart from the writer (see page_chunk_compressor.h).
#include "common/bundle/page_chunk_compressor.h"

#include <zstd.h>

#include "common/bundle/bundle_format.h"
#include "common/bundle/tar.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"

namespace memsift::bundle {

PageChunkCompressor::PageChunkCompressor(int zstd_level, int64_t mtime)
    : zstd_(sink_, zstd_level), mtime_(mtime) {}

void PageChunkCompressor::compress(PageTable table, Pfn start, std::span<const std::byte> data,
                                   CompressedPageChunk& out) {
  if (data.size() % 8 != 0 || data.size() > kPageChunkBytes) {
    throw Error(ErrorKind::kInternal, "page chunk of " + std::to_string(data.size()) + " bytes");
  }
  const std::string name = pageChunkMemberName(table, start);
  if (out.frame.capacity() == 0) {
    out.frame.reserve(ZSTD_compressBound(kPageChunkBytes + 3 * tar::kBlock));
  }
  out.frame.clear();
  out.table = table;
  out.start = start;
  out.data_bytes = data.size();
  sink_.frame = &out.frame;
  header_.clear();
  tar::encodeFileHeader(header_, name, data.size(), mtime_);
  zstd_.write(std::as_bytes(std::span(header_)));
  zstd_.write(data);
  static constexpr char kZeros[tar::kBlock] = {};
  zstd_.write(std::as_bytes(std::span(kZeros, tar::paddingFor(data.size()))));
  zstd_.endFrame();
  sink_.frame = nullptr;
  Xxh64 h;
  h.update(data);
  out.xxh64 = h.digest();
}

}  // namespace memsift::bundle
