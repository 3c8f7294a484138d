// Reads /proc/kpageflags, kpagecount and kpagecgroup chunk by chunk, in PFN order, into the
// bundle: for each chunk of kPageChunkFrames frames the three tables are read back to back, so
// that they describe nearly the same moment, then handed to the recorder. Memory: one buffer of
// three chunks (3 MiB), reused; the compressed frames of two chunks (the one being written, the
// one being compressed: a few hundred KiB for real tables, at most 6 MiB for random data); no
// copy of a table is ever kept.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "collector/page_table_threads.h"
#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"

namespace memsift::collector {

class PageTableReader {
 public:
  // Chunk k is compressed on another thread while chunk k+1 is read (page_table_threads.h).
  // `parallel` (memsift-collect --jobs 2 or more): a second thread reads the upper half of each
  // table's chunk while this one reads the lower half, with pread(2) (a FIFO given with --root
  // cannot be read so). The bundle is the same either way.
  PageTableReader(const SystemRoot& root, Recorder& out, StopControl& stop, bool parallel = false);

  // Reads everything up to the end of kpageflags. Every table that could not be read whole is
  // recorded (absent, denied, error, truncated). Returns the number of frames stored.
  uint64_t run();
  // How proc/kpageflags fared: kDenied means "run as root" is the advice to give.
  SourceStatus flagsStatus() const { return flags_status_; }

 private:
  struct Table;
  struct TableRead {
    size_t got = 0;
    int err = 0;
  };
  // One table's chunk with one thread: `length` bytes by read(2) from the file position. Stops
  // early only at the end of the file, on an error (`err`), or when collection must stop
  // (`stopped`, asked before each read). Returns the bytes read.
  size_t readChunk(int fd, std::byte* buf, size_t length, int& err, bool& stopped);
  // --jobs 2: the chunk at file offset `offset` of every open table, whole, by pread(2): the
  // lower halves here (a stop is asked before each), the upper halves by the other thread
  // meanwhile, so that the two threads meet once a chunk.
  void readChunkInHalves(std::span<const Table> tables, std::byte* bufs, uint64_t offset,
                         std::array<TableRead, 3>& out, bool& stopped);

  const SystemRoot& root_;
  Recorder& out_;
  StopControl& stop_;
  std::unique_ptr<uint64_t[]> buffer_;  // three chunks, 8-byte aligned
  SourceStatus flags_status_ = SourceStatus::kOk;
  std::optional<RangeReader> upper_;  // --jobs 2: the upper halves
};

}  // namespace memsift::collector
