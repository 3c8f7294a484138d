// The open file descriptors of a process that can hold memory (issue 13): io_uring instances
// (their registered buffers pin user pages: fdinfo lists each with its address and length), VFIO
// containers and devices (which pin a guest's memory for DMA), RDMA verbs devices (registered
// memory regions), and pipes (whose buffers may hold pages spliced in with vmsplice). Read from
// /proc/PID/fd with readlink(2): only the link targets, never the files. The work is capped per
// process and per host, because a host can hold millions of descriptors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace memsift::collector {

struct FdCensus {
  uint64_t fds = 0;                            // descriptors examined
  uint64_t pipes = 0;                          // "pipe:[INODE]"
  std::vector<uint64_t> io_uring, vfio, rdma;  // descriptor numbers
  std::string note;  // why the census is not whole ("capped at 65536 descriptors"), or ""
  int err = 0;       // errno of opening the fd directory; 0 when it was read
};

class FdCensusReader {
 public:
  static constexpr uint64_t kPerProcess = 65536;  // descriptors examined per process
  static constexpr uint64_t kPerHost = 1u << 20;  // and in all
  static constexpr size_t kMaxListed = 64;        // io_uring/vfio/rdma numbers kept per kind

  // Lists the "fd" directory beneath `pid_fd` (a /proc/PID directory).
  FdCensus read(int pid_fd);
  uint64_t examined() const { return examined_; }

 private:
  uint64_t examined_ = 0;
};

}  // namespace memsift::collector
