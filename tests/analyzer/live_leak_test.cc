// Live, as root: the seed's signature reproduced on this kernel (../shared/seed/README.md) —
// anonymous memory kept alive by pipe references after munmap(), THP-backed and in 4 KiB pages,
// each in a memory cgroup of its own — collected by memsift-collect and found by the analysis.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/finding_wording.h"
#include "tests/test_support.h"

using namespace memsift;

namespace {

namespace fs = std::filesystem;

constexpr size_t kHuge = 2u << 20;

// The memory cgroup v1 root on this host, or v2's unified root.
fs::path memoryCgroupRoot() {
  if (fs::exists("/sys/fs/cgroup/memory/cgroup.procs")) return "/sys/fs/cgroup/memory";
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) return "/sys/fs/cgroup";
  return {};
}

// A child that leaks `bytes` of anonymous memory into pipes and waits to be killed.
struct Leaker {
  pid_t pid = -1;
  fs::path cgroup;
  uint64_t leaked = 0;  // bytes the child reports as leaked (AnonHugePages for THP)

  ~Leaker() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    std::error_code ec;
    for (int i = 0; i < 50 && fs::exists(cgroup); ++i) {
      if (rmdir(cgroup.c_str()) == 0) break;
      usleep(100000);
    }
  }
};

uint64_t anonHugePagesOfSelf() {
  std::ifstream in("/proc/self/smaps_rollup");
  std::string key;
  uint64_t kb = 0;
  while (in >> key) {
    if (key == "AnonHugePages:") {
      in >> kb;
      return kb * 1024;
    }
  }
  return 0;
}

// Child body: never returns. Writes the leaked byte count to `report_fd`.
[[noreturn]] void leak(bool thp, size_t bytes, int report_fd) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  // Over-allocate to align to a THP boundary.
  char* raw = static_cast<char*>(
      mmap(nullptr, bytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (raw == MAP_FAILED) _exit(2);
  char* base =
      reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(raw) + kHuge - 1) & ~(kHuge - 1));
  madvise(base, bytes, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  for (size_t off = 0; off < bytes; off += page)
    base[off] = 1;
  uint64_t leaked = thp ? anonHugePagesOfSelf() : bytes;
  // One page per THP (it holds the whole THP) or every 4 KiB page goes into a pipe buffer.
  size_t step = thp ? kHuge : page;
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
  munmap(raw, bytes + kHuge);
  if (write(report_fd, &leaked, sizeof leaked) != sizeof leaked) _exit(5);
  for (;;)
    pause();
}

void startLeaker(Leaker& l, bool thp, size_t bytes) {
  fs::path root = memoryCgroupRoot();
  l.cgroup =
      root / ("memsift-test-" + std::string(thp ? "thp-" : "4k-") + std::to_string(getpid()));
  fs::create_directory(l.cgroup);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  l.pid = fork();
  REQUIRE(l.pid >= 0);
  if (l.pid == 0) {
    close(fds[0]);
    std::ofstream(l.cgroup / "cgroup.procs") << getpid() << std::endl;
    leak(thp, bytes, fds[1]);
  }
  close(fds[1]);
  REQUIRE(read(fds[0], &l.leaked, sizeof l.leaked) == sizeof l.leaked);
  close(fds[0]);
}

const report::Finding* findFinding(const report::Report& r, const std::string& id) {
  for (const auto& f : r.findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE(
    "live: unmapped anonymous THPs and 4 KiB pages held by pipes are found in their cgroups") {
  test::requireRootWithPageFlags();
  if (memoryCgroupRoot().empty()) test::skipTest("no memory cgroup hierarchy mounted");
  std::string thp_mode = test::readFile("/sys/kernel/mm/transparent_hugepage/enabled");
  if (thp_mode.find("[never]") != std::string::npos) test::skipTest("THP is disabled ([never])");
  if (sysconf(_SC_PAGESIZE) != 4096) test::skipTest("the reproduction assumes 4 KiB pages");

  Leaker thp, small;
  startLeaker(thp, true, 256u << 20);
  startLeaker(small, false, 64u << 20);
  REQUIRE(thp.leaked >= (64u << 20));  // at least some THPs were allocated
  test::TempDir dir;
  auto bundle = dir / "live.tar.zst";
  auto r =
      test::run((test::binDir() / "memsift-collect").string() + " --no-nice -o " + bundle.string());
  INFO(r.out);
  REQUIRE(r.exit_code == 0);

  analysis::BundleData data = analysis::loadBundle(bundle.string());
  report::Report rep = analysis::analyze(data);
  std::string thp_path = std::string("/").append(thp.cgroup.filename().string());
  std::string small_path = std::string("/").append(small.cgroup.filename().string());

  const report::Finding* f = findFinding(rep, "unmapped-anon-thp");
  REQUIRE(f != nullptr);
  CAPTURE(report::findingWords(rep, *f).summary);
  REQUIRE(!f->cgroups.empty());
  // The leak's cgroup holds (within 5%) what the child leaked; other THPs on the host, if any,
  // are elsewhere.
  const report::CgroupBytes* mine = nullptr;
  for (const auto& c : f->cgroups) {
    if (c.path == thp_path) mine = &c;
  }
  REQUIRE(mine != nullptr);
  CHECK(std::abs(static_cast<double>(mine->bytes.value()) - static_cast<double>(thp.leaked)) <=
        0.05 * static_cast<double>(thp.leaked));
  CHECK(f->thp_bytes == ByteCount(kHuge));
  CHECK(*f->thp_count >= thp.leaked / kHuge);

  const report::Finding* g = findFinding(rep, "unmapped-anon");
  REQUIRE(g != nullptr);
  CAPTURE(report::findingWords(rep, *g).summary);
  const report::CgroupBytes* mine4k = nullptr;
  for (const auto& c : g->cgroups) {
    if (c.path == small_path) mine4k = &c;
  }
  REQUIRE(mine4k != nullptr);
  CHECK(std::abs(static_cast<double>(mine4k->bytes.value()) - static_cast<double>(small.leaked)) <=
        0.05 * static_cast<double>(small.leaked));
}
