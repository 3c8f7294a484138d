// The live tests' children (see live_children.h).
#include "tests/analyzer/live_children.h"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

namespace memsift::test {
namespace fs = std::filesystem;
namespace {

// A figure of this process's smaps_rollup ("AnonHugePages:") or status ("VmPin:"), in bytes.
uint64_t ownKb(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string word;
  uint64_t kb = 0;
  while (in >> word) {
    if (word == key) {
      in >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

// `bytes` of touched anonymous memory at a 2 MiB boundary; *raw and *raw_len to unmap it all.
char* touchedMemory(bool thp, size_t bytes, char** raw, size_t* raw_len) {
  *raw_len = bytes + kHugePage;
  *raw = static_cast<char*>(
      mmap(nullptr, *raw_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (*raw == MAP_FAILED) _exit(2);
  char* base = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(*raw) + kHugePage - 1) &
                                       ~(kHugePage - 1));
  madvise(base, bytes, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t off = 0; off < bytes; off += page)
    base[off] = 1;
  return base;
}

[[noreturn]] void reportAndWait(int report_fd, uint64_t figure) {
  if (write(report_fd, &figure, sizeof figure) != sizeof figure) _exit(5);
  for (;;)
    pause();
}

}  // namespace

fs::path memoryCgroupRoot() {
  if (fs::exists("/sys/fs/cgroup/memory/cgroup.procs")) return "/sys/fs/cgroup/memory";
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) return "/sys/fs/cgroup";
  return {};
}

LiveChild::~LiveChild() {
  if (pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  for (int i = 0; i < 50 && !cgroup.empty() && fs::exists(cgroup); ++i) {
    if (rmdir(cgroup.c_str()) == 0) break;
    usleep(100000);
  }
}

void startLiveChild(LiveChild& c, const std::string& name,
                    const std::function<void(int report_fd)>& body) {
  c.cgroup = memoryCgroupRoot() / name;
  fs::create_directory(c.cgroup);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  c.pid = fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    close(fds[0]);
    std::ofstream(c.cgroup / "cgroup.procs") << getpid() << std::endl;
    body(fds[1]);
    _exit(6);
  }
  close(fds[1]);
  REQUIRE(read(fds[0], &c.reported, sizeof c.reported) == sizeof c.reported);
  close(fds[0]);
}

void leakIntoPipes(bool thp, size_t bytes, int report_fd) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  char* raw = nullptr;
  size_t raw_len = 0;
  char* base = touchedMemory(thp, bytes, &raw, &raw_len);
  const uint64_t leaked = thp ? ownKb("/proc/self/smaps_rollup", "AnonHugePages:") : bytes;
  // One page per THP (it holds the whole THP) or every base page goes into a pipe buffer.
  const size_t step = thp ? kHugePage : page;
  std::vector<int> pipes;
  int cur = -1, in_pipe = 0, capacity = 0;
  for (size_t off = 0; off < bytes; off += step) {
    if (cur < 0 || in_pipe == capacity) {
      int fds[2];
      if (pipe(fds) != 0) _exit(3);
      capacity = fcntl(fds[1], F_SETPIPE_SZ, 1 << 20) / static_cast<int>(page);
      if (capacity <= 0) capacity = 16;
      pipes.push_back(fds[0]);
      pipes.push_back(fds[1]);
      cur = fds[1];
      in_pipe = 0;
    }
    iovec iov{base + off, page};
    if (vmsplice(cur, &iov, 1, 0) != static_cast<ssize_t>(page)) _exit(4);
    ++in_pipe;
  }
  munmap(raw, raw_len);
  reportAndWait(report_fd, leaked);
}

void pinWithIoUring(size_t bytes, int report_fd) {
  char* raw = nullptr;
  size_t raw_len = 0;
  char* base = touchedMemory(/*thp=*/true, bytes, &raw, &raw_len);
  io_uring_params params;
  std::memset(&params, 0, sizeof params);
  const int ring = static_cast<int>(syscall(__NR_io_uring_setup, 4, &params));
  if (ring < 0) reportAndWait(report_fd, 0);
  iovec iov{base, bytes};
  if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0)
    reportAndWait(report_fd, 0);
  munmap(raw, raw_len);
  reportAndWait(report_fd, ownKb("/proc/self/status", "VmPin:"));
}

void leakSteadily(uint64_t bytes_per_second, int seconds, int report_fd) {
  constexpr size_t kStep = 256 << 10;  // a quarter of a 1 MiB pipe
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const auto start = std::chrono::steady_clock::now();
  uint64_t leaked = 0;
  int pipe_fds[2] = {-1, -1};
  size_t in_pipe = 0;
  bool reported = false;
  for (;;) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed > seconds) break;
    if (leaked >= static_cast<uint64_t>(elapsed * static_cast<double>(bytes_per_second))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    char* raw = nullptr;
    size_t raw_len = 0;
    char* base = touchedMemory(/*thp=*/false, kStep, &raw, &raw_len);
    if (pipe_fds[1] < 0 || in_pipe + kStep > (1u << 20)) {
      if (pipe_fds[1] >= 0) close(pipe_fds[1]);  // the read end keeps the buffers
      if (pipe(pipe_fds) != 0) _exit(3);
      if (fcntl(pipe_fds[1], F_SETPIPE_SZ, 1 << 20) < (1 << 20)) _exit(4);
      in_pipe = 0;
    }
    for (size_t off = 0; off < kStep; off += page) {
      iovec iov{base + off, page};
      if (vmsplice(pipe_fds[1], &iov, 1, 0) != static_cast<ssize_t>(page)) _exit(5);
    }
    in_pipe += kStep;
    munmap(raw, raw_len);
    leaked += kStep;
    if (!reported) {
      if (write(report_fd, &bytes_per_second, sizeof bytes_per_second) != sizeof bytes_per_second)
        _exit(6);
      reported = true;
    }
  }
  for (;;)
    pause();
}

}  // namespace memsift::test
