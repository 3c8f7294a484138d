// Who may hold memory beyond what is mapped (issue 13): processes that pin pages (VmPin:
// io_uring registered buffers, RDMA registrations), hold io_uring instances whose buffers they
// no longer map, or VFIO and RDMA devices that pin for DMA; and the kernel's count of outstanding
// FOLL_PIN pins. References taken with FOLL_GET (the seed's direct-I/O leak) show in none of
// these: their absence next to unmapped pages is itself the evidence of a leak in the kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/units.h"

namespace memsift::report {

struct PinHolder {
  int pid = 0;
  std::string comm;
  std::string cgroup;                      // memory cgroup path
  std::optional<ByteCount> pinned;         // status VmPin
  std::optional<ByteCount> locked;         // status VmLck
  ByteCount ring_bytes;                    // io_uring registered buffers
  uint64_t ring_buffers = 0;               // how many (listed ones)
  std::optional<ByteCount> ring_unmapped;  // of those bytes, outside every mapping (maps read)
  uint64_t io_uring = 0, vfio = 0, rdma = 0, pipes = 0;  // descriptors
};

struct PinEvidence {
  // Outstanding FOLL_PIN pins: vmstat nr_foll_pin_acquired - nr_foll_pin_released (5.7+).
  std::optional<int64_t> foll_pins;
  bool census = false;             // the bundle has the descriptor census (process-fds.tsv)
  uint64_t processes = 0;          // processes with a census row
  uint64_t incomplete = 0;         // of those, censuses capped or unreadable
  std::vector<PinHolder> holders;  // largest first, at most the report's table rows
  uint64_t holder_count = 0;       // in all
};

// Who may hold the pages of an unmapped-anon or unmapped-anon-thp finding
// (analysis::pinSuspects): the processes of the finding's cgroups that pin, then processes
// anywhere with io_uring buffers they no longer map or VFIO devices.
struct PinSuspects {
  std::vector<PinHolder> holders;  // the first `in_cgroups` in the cgroups; the largest first
  uint64_t holder_count = 0;       // in all (holders may be cut to the first few)
  uint64_t in_cgroups = 0;         // of holder_count, in the finding's cgroups
  uint64_t pipes_in_cgroups = 0;   // pipes held by processes of the cgroups
  uint64_t processes_in_cgroups = 0;
  bool census = false;  // false: the bundle cannot tell (no process-fds.tsv)
};

}  // namespace memsift::report
