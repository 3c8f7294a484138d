// Live, as root (issue 13): who holds unmapped memory. 96 MiB of THPs registered as io_uring
// fixed buffers and unmapped, in a memory cgroup of their own, and 24 MiB of 4 KiB pages spliced
// into pipes and unmapped, in another. The report must name the io_uring process with the bytes
// (within 5%) and, for the pipes, the pipes held in that cgroup.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/analysis/pin_evidence.h"
#include "analyzer/report/finding_wording.h"
#include "tests/analyzer/live_children.h"
#include "tests/test_support.h"

using namespace memsift;

namespace {

bool within(uint64_t value, uint64_t expected, double share) {
  const double diff = static_cast<double>(value) - static_cast<double>(expected);
  return std::abs(diff) <= share * static_cast<double>(expected);
}

}  // namespace

TEST_CASE("live: io_uring buffers and pipes that hold unmapped memory are named") {
  test::requireRootWithPageFlags();
  if (test::memoryCgroupRoot().empty()) test::skipTest("no memory cgroup hierarchy mounted");
  if (sysconf(_SC_PAGESIZE) != 4096) test::skipTest("the test assumes 4 KiB pages");
  constexpr uint64_t kRing = 96u << 20, kPipes = 24u << 20;
  const std::string self = std::to_string(getpid());
  test::LiveChild ring, pipes;
  test::startLiveChild(ring, "memsift-pins-uring-" + self,
                       [](int fd) { test::pinWithIoUring(kRing, fd); });
  if (ring.reported == 0) test::skipTest("io_uring is unavailable (io_uring_disabled, seccomp)");
  test::startLiveChild(pipes, "memsift-pins-pipes-" + self,
                       [](int fd) { test::leakIntoPipes(false, kPipes, fd); });
  test::TempDir dir;
  const std::string bundle = (dir / "live.tar.zst").string();
  auto r = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice -o " + bundle +
                     " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);

  analysis::BundleData data = analysis::loadBundle(bundle);
  report::Report rep = analysis::analyze(data);
  REQUIRE(rep.pins.census);
  const report::PinHolder* holder = nullptr;
  for (const report::PinHolder& h : rep.pins.holders)
    if (h.pid == ring.pid) holder = &h;
  REQUIRE(holder != nullptr);
  CHECK(holder->cgroup == std::string("/").append(ring.cgroup.filename().string()));
  CHECK(holder->io_uring == 1);
  CHECK(within(holder->ring_bytes.value(), kRing, 0.05));
  REQUIRE(holder->ring_unmapped.has_value());
  CHECK(within(holder->ring_unmapped->value(), kRing, 0.05));
  CHECK(within(holder->pinned.value_or(ByteCount()).value(), kRing, 0.05));
  CHECK(rep.pins.foll_pins.value_or(0) > 0);  // FOLL_PIN since 5.7

  // The suspects of each cgroup's unmapped memory.
  const std::string ring_path = std::string("/").append(ring.cgroup.filename().string());
  analysis::PinSuspects ring_suspects = analysis::pinSuspects(data, {ring_path});
  REQUIRE(!ring_suspects.holders.empty());
  CHECK(ring_suspects.holders.front().pid == ring.pid);
  analysis::PinSuspects pipe_suspects =
      analysis::pinSuspects(data, {std::string("/").append(pipes.cgroup.filename().string())});
  CHECK(pipe_suspects.census);
  CHECK(pipe_suspects.processes_in_cgroups == 1);
  CHECK(pipe_suspects.pipes_in_cgroups >= 2);  // both ends of each pipe the child keeps open

  // The unmapped-anon-thp finding charged to the ring's cgroup names the ring's process, with
  // its bytes, in its facts and in its words.
  const report::Finding* thp = nullptr;
  for (const report::Finding& f : rep.findings)
    if (f.id == "unmapped-anon-thp") thp = &f;
  REQUIRE(thp != nullptr);
  const report::PinSuspects* named = report::findingSuspects(thp->facts);
  REQUIRE(named != nullptr);
  const report::PinHolder* suspect = nullptr;
  for (const report::PinHolder& h : named->holders)
    if (h.pid == ring.pid) suspect = &h;
  REQUIRE(suspect != nullptr);
  REQUIRE(suspect->ring_unmapped.has_value());
  CHECK(within(suspect->ring_unmapped->value(), kRing, 0.05));
  const report::FindingWords words = report::findingWords(rep, *thp);
  bool said = false;
  for (const report::Evidence& e : words.evidence)
    said =
        said || e.text.starts_with("pid " + std::to_string(ring.pid) + " (" + suspect->comm + ")");
  CHECK(said);
}
