// Child processes for the live tests (root): each runs in a memory cgroup of its own and leaves
// memory in a state the analysis must explain — unmapped pages held by pipes (vmsplice), or
// pinned by io_uring registered buffers — then reports a figure to the test and waits to be
// killed. The seed's signature (../shared/seed/README.md) reproduced on this kernel.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace memsift::test {

inline constexpr size_t kHugePage = 2u << 20;

// The memory cgroup v1 root on this host, or v2's unified root; empty if neither is mounted.
std::filesystem::path memoryCgroupRoot();

// A child in memory cgroup ROOT/NAME: killed, reaped and its cgroup removed on destruction.
struct LiveChild {
  pid_t pid = -1;
  std::filesystem::path cgroup;
  uint64_t reported = 0;  // the figure the child wrote to its report fd

  LiveChild() = default;
  LiveChild(const LiveChild&) = delete;
  LiveChild& operator=(const LiveChild&) = delete;
  ~LiveChild();
};

// Starts `body` in a child that has joined cgroup ROOT/`name`; `body` writes one uint64_t to
// the fd it gets and must never return. Waits for that figure.
void startLiveChild(LiveChild& c, const std::string& name,
                    const std::function<void(int report_fd)>& body);

// Child bodies. `bytes` of anonymous memory, THP-backed (2 MiB aligned, MADV_HUGEPAGE) or in
// base pages: into pipes with vmsplice then unmapped (reports the bytes leaked: AnonHugePages for
// THP), or registered as io_uring fixed buffers then unmapped (reports VmPin in bytes, 0 if
// io_uring is unavailable).
[[noreturn]] void leakIntoPipes(bool thp, size_t bytes, int report_fd);
[[noreturn]] void pinWithIoUring(size_t bytes, int report_fd);
// Leaks base pages into pipes at a steady `bytes_per_second` (in steps of 256 KiB, by the clock)
// for at most `seconds`, then holds them; reports the rate once the first step is taken.
[[noreturn]] void leakSteadily(uint64_t bytes_per_second, int seconds, int report_fd);

}  // namespace memsift::test
