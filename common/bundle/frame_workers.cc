// Decoding captured member frames on worker threads (see frame_workers.h).
#include "common/bundle/frame_workers.h"

#include <zstd.h>

#include <cstring>

#include "common/bundle/bundle_format.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_magic.h"
#include "common/hash/xxhash64.h"

namespace memsift::bundle {

const size_t FrameJob::kMaxContent = kPageChunkBytes + 2 * tar::kBlock;

FrameWorkers::FrameWorkers(unsigned threads) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

FrameWorkers::~FrameWorkers() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    todo_.clear();
  }
  work_.notify_all();
  for (std::thread& t : threads_)
    t.join();
}

void FrameWorkers::submit(FrameJob& job) {
  if (!job.out_) job.out_ = std::make_unique<uint64_t[]>((FrameJob::kMaxContent + 7) / 8);
  job.done_ = false;
  {
    std::lock_guard lock(mutex_);
    todo_.push_back(&job);
  }
  work_.notify_one();
}

void FrameWorkers::wait(FrameJob& job) {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return job.done_; });
}

void FrameWorkers::run() {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  for (;;) {
    FrameJob* job = nullptr;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [&] { return stop_ || !todo_.empty(); });
      if (stop_) break;
      job = todo_.front();
      todo_.pop_front();
    }
    job->ok = job->hashed = false;
    // Without a context (out of memory) the job fails and the reader decodes it itself.
    if (dctx != nullptr) decode(*job, dctx);
    {
      std::lock_guard lock(mutex_);
      job->done_ = true;
    }
    done_.notify_all();
  }
  ZSTD_freeDCtx(dctx);
}

void FrameWorkers::decode(FrameJob& job, ZSTD_DCtx* dctx) {
  const ZstdDecoder::Captured& c = job.captured;
  const std::byte* frame = c.bytes.data() + c.frame_at;
  const size_t frame_bytes = c.bytes.size() - c.frame_at;
  // Exactly one frame, as long as its hint says (the single-threaded reader's check too).
  if (ZSTD_findFrameCompressedSize(frame, frame_bytes) != frame_bytes) return;
  // One call decodes the frame and verifies its checksum (the frame header asks for one).
  size_t n = ZSTD_decompressDCtx(dctx, job.out_.get(), FrameJob::kMaxContent, frame, frame_bytes);
  if (ZSTD_isError(n) || n < tar::kBlock) return;
  tar::Block block;
  std::memcpy(block.data(), job.bytes(), tar::kBlock);
  tar::Header h;
  if (tar::decodeHeader(block, h) != tar::DecodeResult::kHeader ||
      h.type != tar::EntryType::kFile || h.name != c.hint.member || h.size > kPageChunkBytes ||
      tar::kBlock + h.size + tar::paddingFor(h.size) != n) {
    return;
  }
  job.size = h.size;
  job.content = n;
  job.hashed = job.hash && !zstd_magic::frameHasChecksum(std::span(frame, frame_bytes));
  if (job.hashed) {
    Xxh64 x;
    x.update(job.data());
    job.digest = x.digest();
  }
  job.ok = true;
}

}  // namespace memsift::bundle
