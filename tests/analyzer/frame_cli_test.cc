// memsift frame: single frames explained, on the seed incident (a 512 MiB THP of 64 KiB frames
// on 4.18, whose tails carry no cgroup) and live, as root, on frames of a process of this test
// whose PFNs it reads from its own pagemap.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/analyzer/generated_bundle.h"
#include "tests/analyzer/live_children.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kQemuScope = "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope";

std::string memsiftBin() {
  return (test::binDir() / "memsift").string();
}

json frameJson(const std::string& bundle, const std::string& pfns, int expect_exit = 0) {
  auto r = test::run(memsiftBin() + " frame " + bundle + " --format json " + pfns + " 2>/dev/null");
  INFO(r.out);
  REQUIRE(r.exit_code == expect_exit);
  return json::parse(r.out);
}

// The seed incident's bundle; `restricted`: as if from a host without kpagecgroup and without
// memory-block sysfs.
struct SeedBundle : test::GeneratedBundle {
  explicit SeedBundle(bool restricted = false) : test::GeneratedBundle("seed", restricted) {}
};

// The PFN behind a virtual address of process `pid` (pagemap: bit 63 present, bits 0-54 the
// PFN, which only root reads), or 0.
uint64_t pfnOf(pid_t pid, uintptr_t addr) {
  int fd = open(("/proc/" + std::to_string(pid) + "/pagemap").c_str(), O_RDONLY);
  if (fd < 0) return 0;
  uint64_t entry = 0;
  const off_t at = static_cast<off_t>(addr / static_cast<uintptr_t>(sysconf(_SC_PAGESIZE)) * 8);
  const bool ok = pread(fd, &entry, sizeof entry, at) == sizeof entry;
  close(fd);
  return ok && (entry >> 63) ? entry & ((uint64_t{1} << 55) - 1) : 0;
}

uint64_t kpageflagsOf(uint64_t pfn) {
  int fd = open("/proc/kpageflags", O_RDONLY);
  uint64_t flags = 0;
  if (fd >= 0 && pread(fd, &flags, sizeof flags, static_cast<off_t>(pfn * 8)) != sizeof flags)
    flags = 0;
  if (fd >= 0) close(fd);
  return flags;
}

// A child body: a 2 MiB THP and, right after it, a 4 KiB base page, both mapped and touched;
// reports the THP's address (the base page is 2 MiB above it).
[[noreturn]] void holdThpAndPage(int report_fd) {
  char* raw = static_cast<char*>(mmap(nullptr, 3 * test::kHugePage, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (raw == MAP_FAILED) _exit(2);
  char* base = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(raw) + test::kHugePage - 1) &
                                       ~(test::kHugePage - 1));
  madvise(base, test::kHugePage, MADV_HUGEPAGE);
  madvise(base + test::kHugePage, 4096, MADV_NOHUGEPAGE);
  std::memset(base, 1, test::kHugePage + 4096);
  const uint64_t addr = reinterpret_cast<uintptr_t>(base);
  if (write(report_fd, &addr, sizeof addr) != sizeof addr) _exit(3);
  for (;;)
    pause();
}

}  // namespace

TEST_CASE("frame: the seed's THP head, a tail and its head, a frame beyond the tables") {
  SeedBundle seed;
  json j = frameJson(seed.path, "0x10000 0x10005 0x7fffffff");
  CHECK(j["schema"] == "memsift-frame/1");
  CHECK(j["page_size"] == 65536);
  REQUIRE(j["frames"].size() == 3);
  const json& head = j["frames"][0];
  CHECK(head["pfn"] == 0x10000);
  CHECK(head["role"] == "head");
  CHECK(head["compound"]["pages"] == 8192);
  CHECK(head["compound"]["bytes"] == 512ull << 20);
  CHECK(head["compound"]["order"] == 13);
  CHECK(head["compound"]["mapped_pages"] == 0);
  CHECK(head["kpagecount"] == 0);
  CHECK(head["category"] == "anon_thp_unmapped");
  CHECK(head["cgroup_path"] == kQemuScope);
  CHECK(head["phys_addr"] == 0x100000000ull);
  CHECK(head["node"] == 0);
  const json& tail = j["frames"][1];
  CHECK(tail["role"] == "tail");
  CHECK(tail["cgroup_inode"] == 0);  // 4.18: tails carry no cgroup
  CHECK(tail["category"] == "anon_thp_unmapped");
  CHECK(tail["head"]["pfn"] == 0x10000);
  CHECK(tail["head"]["cgroup_path"] == kQemuScope);
  CHECK(j["frames"][2]["in_tables"] == false);

  auto text = test::run(memsiftBin() + " frame " + seed.path + " 65536");
  INFO(text.out);
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("PFN 0x10000 (65536), physical address 0x100000000"));
  CHECK_THAT(text.out, Catch::Contains("head of a compound page (8,192 frames, 512 MiB, order "
                                       "13); 0 of its frames mapped"));
  CHECK_THAT(text.out, Catch::Contains("anonymous,swapbacked,compound_head,thp"));
  // page-types' address forms: N+COUNT and N,END.
  CHECK(frameJson(seed.path, "0x10000+3")["frames"].size() == 3);
  CHECK(frameJson(seed.path, "0x10000,0x10002")["frames"].size() == 2);
}

TEST_CASE("frame: a bundle without kpagecgroup and memory blocks says unknown, and why") {
  SeedBundle seed(/*restricted=*/true);
  json j = frameJson(seed.path, "0x10000");
  const json& f = j["frames"][0];
  CHECK(f["cgroup_inode"].is_null());
  CHECK(f["memory_block"].is_null());
  CHECK(f["unknown_because"]["cgroup"] == "proc/kpagecgroup table");
  CHECK(f["unknown_because"]["memory_block"] == "sys/devices/system/memory/block_size_bytes");
  CHECK(f["category"] == "anon_thp_unmapped");
  auto text = test::run(memsiftBin() + " frame " + seed.path + " 0x10000");
  CHECK_THAT(text.out,
             Catch::Contains("memory cgroup unknown: the bundle has no proc/kpagecgroup"));
  CHECK(text.out.find("not charged") == std::string::npos);
}

TEST_CASE("frame: bad PFNs and too many frames are usage errors") {
  SeedBundle seed;
  for (const char* bad : {"xyz", "0x10-", "5,5", "0x10000+5000", "0+4096 4096"}) {
    auto r = test::run(memsiftBin() + " frame " + seed.path + " '" + bad + "'");
    INFO(bad << ": " << r.out);
    CHECK(r.exit_code == 2);
  }
}

TEST_CASE("live: frame names this test's THP and base page, their cgroup and category") {
  test::requireRootWithPageFlags();
  fs::path root = fs::exists("/sys/fs/cgroup/memory/cgroup.procs")  ? "/sys/fs/cgroup/memory"
                  : fs::exists("/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup"
                                                                    : "";
  if (root.empty()) test::skipTest("no memory cgroup hierarchy mounted");
  if (sysconf(_SC_PAGESIZE) != 4096) test::skipTest("the test assumes 4 KiB pages");
  test::LiveChild h;
  const std::string name = "memsift-frame-test-" + std::to_string(getpid());
  test::startLiveChild(h, name, holdThpAndPage);
  const uintptr_t thp_addr = h.reported, small_addr = thp_addr + test::kHugePage;
  const uint64_t thp = pfnOf(h.pid, thp_addr), small = pfnOf(h.pid, small_addr);
  REQUIRE(small != 0);
  const bool have_thp = thp != 0 && (kpageflagsOf(thp) & (uint64_t{1} << 22)) &&
                        (kpageflagsOf(thp) & (uint64_t{1} << 15));
  test::TempDir dir;
  const std::string bundle = (dir / "live.tar.zst").string();
  auto collect = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice -o " +
                           bundle + " 2>&1");
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
  // A frame that moved (compaction, khugepaged) while the bundle was written tells nothing.
  if (pfnOf(h.pid, small_addr) != small || (have_thp && pfnOf(h.pid, thp_addr) != thp))
    test::skipTest("the test's pages migrated during the collection; run again");

  std::string pfns = std::to_string(small);
  if (have_thp)
    pfns.append(" ").append(std::to_string(thp)).append(" ").append(std::to_string(thp + 1));
  json j = frameJson(bundle, pfns);
  for (const json& f : j["frames"]) {
    INFO(f.dump(2));
    CHECK(f["in_tables"] == true);
    CHECK(f["kpagecount"] == 1);
    CHECK(f["cgroup_path"] == std::string("/").append(name));
    CHECK(f["node"].is_number());
    const bool in_thp = f["pfn"] != small;
    CHECK(f["category"] == (in_thp ? "anon_thp_mapped" : "anon_mapped"));
    CHECK(f["role"] == (!in_thp ? "none" : f["pfn"] == thp ? "head" : "tail"));
    if (in_thp) {
      CHECK(f["compound"]["pages"] == 512);
      CHECK(f["compound"]["head_pfn"] == thp);
    }
  }
  if (!have_thp) WARN("no THP for the test's 2 MiB (THP off or fragmented): base page only");
}
