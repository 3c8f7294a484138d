// Reads /proc/kpageflags, kpagecount and kpagecgroup chunk by chunk, in PFN order, into the
// bundle: for each chunk of kPageChunkFrames frames the three tables are read back to back, so
// that they describe nearly the same moment, then handed to the recorder. Memory: one buffer of
// three chunks (3 MiB), reused; no copy of a table is ever kept.
#pragma once

#include <cstdint>
#include <memory>

#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"

namespace memsift::collector {

class PageTableReader {
 public:
  // `parallel`: kpagecount and kpagecgroup of a chunk are read in a second thread while this one
  // reads its kpageflags (memsift-collect --jobs 2 or more). The bundle is the same either way;
  // only a stop (signal, deadline) may find the other two tables already read.
  PageTableReader(const SystemRoot& root, Recorder& out, StopControl& stop, bool parallel = false);

  // Reads everything up to the end of kpageflags. Every table that could not be read whole is
  // recorded (absent, denied, error, truncated). Returns the number of frames stored.
  uint64_t run();
  // How proc/kpageflags fared: kDenied means "run as root" is the advice to give.
  SourceStatus flagsStatus() const { return flags_status_; }

 private:
  struct Table;
  // Reads up to `length` bytes (stopping early only at the end of the file, on an error, or when
  // collection must stop). Returns bytes read; sets `err` on a read error.
  size_t readFull(int fd, std::byte* buf, size_t length, int& err, bool& stopped);

  // readFull() without the stop check (StopControl is this thread's): one chunk, for the second
  // thread.
  static size_t readChunk(int fd, std::byte* buf, size_t length, int& err);

  const SystemRoot& root_;
  Recorder& out_;
  StopControl& stop_;
  std::unique_ptr<uint64_t[]> buffer_;  // three chunks, 8-byte aligned
  SourceStatus flags_status_ = SourceStatus::kOk;
  bool parallel_ = false;
};

}  // namespace memsift::collector
