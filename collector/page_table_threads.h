// The threads that help the page-table reader (page_table_reader.h) keep to the kernel's own
// pace. The kernel's cost of producing the tables is the floor; compressing them on the same
// thread added 11% to it (issue 15). So a compressor thread compresses each chunk, on another CPU
// where there is one, while the reader's thread reads the next; and with --jobs 2 a second reader
// reads the upper half of each table's chunk while the reader's thread reads the lower half.
// Neither touches the bundle or the recorder: the reader's thread writes everything, in order.
// Both block SIGINT and SIGTERM, so that a stop interrupts the reader's own read(2).
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "common/bundle/page_chunk_compressor.h"

namespace memsift::collector {

class ChunkCompressor {
 public:
  explicit ChunkCompressor(std::unique_ptr<bundle::PageChunkCompressor> compressor);
  // Finishes what was submitted (its results are then dropped), then ends the thread.
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;

  // Queues `data` to be compressed into `out`; both must stay untouched until wait() returned
  // for the ticket this returns.
  uint64_t submit(bundle::PageTable table, Pfn start, std::span<const std::byte> data,
                  bundle::CompressedPageChunk& out);
  // Waits until the job of `ticket` and every one before it are done; rethrows what
  // compressing threw.
  void wait(uint64_t ticket);

 private:
  struct Job {
    bundle::PageTable table;
    Pfn start;
    std::span<const std::byte> data;
    bundle::CompressedPageChunk* out;
  };
  void run();

  std::unique_ptr<bundle::PageChunkCompressor> compressor_;
  std::mutex mutex_;
  std::condition_variable work_, done_;
  std::deque<Job> todo_;
  uint64_t submitted_ = 0, finished_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
  std::thread thread_;
};

// pread(2) of a few ranges, one after the other, on its own thread.
class RangeReader {
 public:
  struct Range {
    int fd = -1;
    std::byte* buf = nullptr;
    size_t length = 0;
    uint64_t offset = 0;
    // Results: the bytes read, and the errno that stopped it (0 at the end of the file).
    size_t got = 0;
    int err = 0;
  };
  static constexpr size_t kMaxRanges = 3;

  RangeReader();
  ~RangeReader();
  RangeReader(const RangeReader&) = delete;
  RangeReader& operator=(const RangeReader&) = delete;

  // Starts reading each range (until its end, the end of its file or an error); returns at once.
  void start(std::span<const Range> ranges);
  // Waits for them and returns them with their results.
  std::span<const Range> finish();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable cv_;
  bool pending_ = false, done_ = false, stop_ = false;
  std::array<Range, kMaxRanges> ranges_;
  size_t count_ = 0;
  std::thread thread_;
};

// Reads until `length` bytes are in, the file ends, or read(2) fails (`err`; EINTR is retried),
// asking `stopped` before each call. With an `offset`, pread(2) from there (the file position is
// not used, so that two threads may read one file); without, read(2) from the file position. One
// call asks for the whole rest: the kernel fills it in one go (kpageflags_read() loops over the
// PFNs itself), so a chunk costs one system call.
size_t readRange(int fd, std::byte* buf, size_t length, std::optional<uint64_t> offset, int& err,
                 const std::function<bool()>& stopped);

}  // namespace memsift::collector
