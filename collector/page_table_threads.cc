// The page-table reader's helper threads (see page_table_threads.h).
#include "collector/page_table_threads.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

namespace memsift::collector {

namespace {

// A stop signal must reach the reader's thread, whose read(2) it interrupts (EINTR), not a
// helper's: the helpers' reads are short and the stop is handled where the bundle is written.
void blockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

size_t readRange(int fd, std::byte* buf, size_t length, std::optional<uint64_t> offset, int& err,
                 const std::function<bool()>& stopped) {
  size_t got = 0;
  err = 0;
  while (got < length && !stopped()) {
    ssize_t n = offset ? ::pread(fd, buf + got, length - got, static_cast<off_t>(*offset + got))
                       : ::read(fd, buf + got, length - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return got;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

ChunkCompressor::ChunkCompressor(std::unique_ptr<bundle::PageChunkCompressor> compressor)
    : compressor_(std::move(compressor)), thread_([this] { run(); }) {}

ChunkCompressor::~ChunkCompressor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_.notify_one();
  thread_.join();
}

uint64_t ChunkCompressor::submit(bundle::PageTable table, Pfn start,
                                 std::span<const std::byte> data,
                                 bundle::CompressedPageChunk& out) {
  {
    std::lock_guard lock(mutex_);
    todo_.push_back({table, start, data, &out});
    ++submitted_;
  }
  work_.notify_one();
  return submitted_;
}

void ChunkCompressor::wait(uint64_t ticket) {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return finished_ >= ticket || error_; });
  if (error_) std::rethrow_exception(error_);
}

void ChunkCompressor::run() {
  blockStopSignals();
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stop_ || !todo_.empty(); });
    if (todo_.empty()) return;  // stop_, and nothing left
    Job job = todo_.front();
    todo_.pop_front();
    lock.unlock();
    std::exception_ptr error;
    try {
      compressor_->compress(job.table, job.start, job.data, *job.out);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    if (error && !error_) error_ = error;
    ++finished_;
    done_.notify_all();
  }
}

RangeReader::RangeReader() : thread_([this] { run(); }) {}

RangeReader::~RangeReader() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RangeReader::start(std::span<const Range> ranges) {
  {
    std::lock_guard lock(mutex_);
    count_ = std::min(ranges.size(), kMaxRanges);
    std::copy_n(ranges.begin(), count_, ranges_.begin());
    pending_ = true;
    done_ = false;
  }
  cv_.notify_all();
}

std::span<const RangeReader::Range> RangeReader::finish() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return done_; });
  return std::span(ranges_.data(), count_);
}

void RangeReader::run() {
  blockStopSignals();
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || pending_; });
    if (!pending_) return;
    pending_ = false;
    std::array<Range, kMaxRanges> ranges = ranges_;
    const size_t count = count_;
    lock.unlock();
    for (size_t i = 0; i < count; ++i) {
      Range& r = ranges[i];
      r.got = readRange(r.fd, r.buf, r.length, r.offset, r.err, [] { return false; });
    }
    lock.lock();
    ranges_ = ranges;
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace memsift::collector
