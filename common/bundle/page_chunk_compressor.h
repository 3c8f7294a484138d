// A page-table member compressed into the zstd frame of its own that the bundle writer gives it
// (its tar header, data and padding; checksum on), apart from the writer, so that the collector
// compresses one chunk on another thread while it reads the next. BundleWriter::
// addCompressedPageChunk() then writes the frame, behind its member hint, in the writer's order.
// The frame is byte for byte what BundleWriter::addPageChunk() writes for the same chunk.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "common/bundle/bundle_format.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/zstd_stream.h"
#include "common/units.h"

namespace memsift::bundle {

struct CompressedPageChunk {
  PageTable table = PageTable::kFlags;
  Pfn start;
  uint64_t data_bytes = 0;  // the member's size
  uint64_t xxh64 = 0;       // of the member's data, for index.json
  std::string frame;        // the zstd frame (capacity kept from one chunk to the next)
};

// One per thread (each has a zstd context of its own).
class PageChunkCompressor {
 public:
  PageChunkCompressor(int zstd_level, int64_t mtime);
  PageChunkCompressor(const PageChunkCompressor&) = delete;
  PageChunkCompressor& operator=(const PageChunkCompressor&) = delete;

  // Throws Error(kInternal) for a chunk no table has (not whole frames, over kPageChunkBytes).
  void compress(PageTable table, Pfn start, std::span<const std::byte> data,
                CompressedPageChunk& out);

 private:
  // Appends the encoder's output to the chunk being compressed.
  struct FrameSink : ByteSink {
    std::string* frame = nullptr;
    void write(std::span<const std::byte> data) override {
      frame->append(reinterpret_cast<const char*>(data.data()), data.size());
    }
  };
  FrameSink sink_;
  ZstdEncoder zstd_;
  int64_t mtime_;
  std::string header_;
};

}  // namespace memsift::bundle
