// Who may hold an unmapped-anon(-thp) finding's pages (issue 13 §1), in its words: the holders
// when there are some, a reference leaked in the kernel when the descriptor census shows none,
// and that the bundle cannot tell when it has no census (a collector older than it).
#include <catch2/catch.hpp>

#include "analyzer/report/finding_wording.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

namespace {

constexpr const char* kLeaked =
    "no live process holds pins that explain these pages: a reference "
    "leaked inside the kernel (e.g. a direct-I/O or driver path that "
    "took a page reference and never dropped it)";

// The seed's THP finding with `suspects`, and its evidence as one string per line.
std::vector<std::string> evidenceWith(const PinSuspects& suspects) {
  Report r = test::seedReport();
  for (Finding& f : r.findings) {
    auto* t = std::get_if<UnmappedThpFacts>(&f.facts);
    if (!t) continue;
    t->leak.suspects = suspects;
    std::vector<std::string> lines;
    for (const Evidence& e : findingWords(r, f).evidence)
      lines.push_back(e.text);
    return lines;
  }
  FAIL("the seed report has no unmapped-anon-thp finding");
  return {};
}

bool any(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("suspects: with the census and no holder, a reference leaked in the kernel",
          "[report][pins]") {
  PinSuspects s;
  s.census = true;
  s.processes_in_cgroups = 3;
  const auto lines = evidenceWith(s);
  CHECK(any(lines, kLeaked));
  CHECK_FALSE(any(lines, "cannot tell"));
}

TEST_CASE("suspects: without the census, the bundle cannot tell", "[report][pins]") {
  const auto lines = evidenceWith(PinSuspects{});
  CHECK_FALSE(any(lines, kLeaked));
  CHECK(any(lines, "the bundle cannot tell whether a live process holds them"));
  CHECK(any(lines, "process-fds.tsv"));
}

TEST_CASE("suspects: holders in the cgroups, then elsewhere, and pipes", "[report][pins]") {
  PinSuspects s;
  s.census = true;
  PinHolder ring;
  ring.pid = 4242;
  ring.comm = "fio";
  ring.cgroup = "/a.scope";
  ring.ring_bytes = ByteCount(96ull << 20);
  ring.ring_unmapped = ByteCount(96ull << 20);
  ring.pinned = ByteCount(96ull << 20);
  ring.io_uring = 1;
  PinHolder vm;
  vm.pid = 7;
  vm.comm = "qemu";
  vm.cgroup = "/b.scope";
  vm.vfio = 2;
  s.holders = {ring, vm};
  s.in_cgroups = 1;
  s.holder_count = 3;
  s.processes_in_cgroups = 2;
  s.pipes_in_cgroups = 4;
  const auto lines = evidenceWith(s);
  CHECK(any(lines,
            "pid 4242 (fio) in /a.scope may hold them: 96 MiB of io_uring registered "
            "buffers, 96 MiB of them at addresses it no longer maps; VmPin 96 MiB"));
  CHECK(any(lines, "pid 7 (qemu) in /b.scope, outside these cgroups, may hold them: 2 VFIO"));
  CHECK(any(lines, "and 1 process more that pins memory"));
  CHECK(any(lines, "the 2 processes of these cgroups hold 4 pipes"));
  CHECK_FALSE(any(lines, kLeaked));
}
