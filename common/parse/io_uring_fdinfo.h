// The registered buffers in an io_uring instance's /proc/PID/fdinfo/N (io_uring/fdinfo.c since
// 5.1): "UserBufs:\t2" then one line per buffer, "%5u: 0x%llx/%u" (index, user address, length
// in bytes). Registering a buffer pins its pages (FOLL_PIN since 5.7, FOLL_GET before) until
// the buffers are unregistered or the ring is closed, even after the process unmaps them.
#pragma once

#include <cstdint>
#include <vector>

#include "common/parse/parse_issue.h"

namespace memsift::parse {

struct RingBuffer {
  uint64_t addr = 0;
  uint64_t len = 0;
};

// The buffers listed under UserBufs; other lines are ignored (the file holds the ring's state,
// its registered files and poll lists, which vary by kernel). A malformed buffer line is
// reported and skipped.
std::vector<RingBuffer> parseRingBuffers(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
