// Worker threads that decode members' zstd frames captured from a bundle's compressed stream
// (ZstdDecoder::capture), each with a zstd context of its own, so that the page tables of a
// bundle, one frame per member since format 1.1, are decompressed on every core. The reader
// hands them out and takes them back in stream order (reader_parallel.cc); a worker only
// decodes and says whether the frame is exactly what the writer makes. Private to common/bundle/.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "common/bundle/zstd_stream.h"

namespace memsift::bundle {

struct FrameJob {
  // The most a page-table member's frame holds: its tar header, at most kPageChunkBytes of data
  // and their padding.
  static const size_t kMaxContent;

  ZstdDecoder::Captured captured;
  // Compute the XXH64 of the member's data, unless the frame's own checksum verifies it (the
  // single-threaded reader's rule too: ZstdDecoder::frameChecksumCovers()).
  bool hash = false;

  // Results, once FrameWorkers::wait() returned. `ok` only when the frame decoded with a good
  // checksum into exactly one regular-file tar member named as its hint says, ending where the
  // frame ends: anything else is left to the single-threaded reader to judge.
  bool ok = false;
  uint64_t size = 0;     // the member's data bytes
  uint64_t content = 0;  // decompressed bytes (header, data, padding)
  bool hashed = false;   // `digest` was computed
  uint64_t digest = 0;   // XXH64 of the data
  // The member's data, after its 512-byte tar header; as 64-bit words for page tables (the
  // buffer holds words, so that reading them is reading the objects zstd wrote the bytes of).
  std::span<const std::byte> data() const { return {bytes() + kDataAt, size}; }
  std::span<uint64_t> words() { return {out_.get() + kDataAt / 8, size / 8}; }

 private:
  friend class FrameWorkers;
  static constexpr size_t kDataAt = 512;
  const std::byte* bytes() const { return reinterpret_cast<const std::byte*>(out_.get()); }
  std::unique_ptr<uint64_t[]> out_;
  bool done_ = false;
};

class FrameWorkers {
 public:
  explicit FrameWorkers(unsigned threads);
  // Jobs not started are dropped; running ones are finished first.
  ~FrameWorkers();
  FrameWorkers(const FrameWorkers&) = delete;
  FrameWorkers& operator=(const FrameWorkers&) = delete;

  // The job must stay alive and untouched until wait() returns for it.
  void submit(FrameJob& job);
  void wait(FrameJob& job);

 private:
  void run();
  static void decode(FrameJob& job, struct ZSTD_DCtx_s* dctx);

  std::mutex mutex_;
  std::condition_variable work_, done_;
  std::deque<FrameJob*> todo_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace memsift::bundle
