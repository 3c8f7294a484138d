// Live, as root: the seed's signature reproduced on this kernel (../shared/seed/README.md) —
// anonymous memory kept alive by pipe references after munmap(), THP-backed and in 4 KiB pages,
// each in a memory cgroup of its own — collected by memsift-collect and found by the analysis.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/finding_wording.h"
#include "tests/analyzer/live_children.h"
#include "tests/test_support.h"

using namespace memsift;

namespace {

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
  if (test::memoryCgroupRoot().empty()) test::skipTest("no memory cgroup hierarchy mounted");
  std::string thp_mode = test::readFile("/sys/kernel/mm/transparent_hugepage/enabled");
  if (thp_mode.find("[never]") != std::string::npos) test::skipTest("THP is disabled ([never])");
  if (sysconf(_SC_PAGESIZE) != 4096) test::skipTest("the reproduction assumes 4 KiB pages");

  test::LiveChild thp, small;
  const std::string self = std::to_string(getpid());
  test::startLiveChild(thp, "memsift-test-thp-" + self,
                       [](int fd) { test::leakIntoPipes(true, 256u << 20, fd); });
  test::startLiveChild(small, "memsift-test-4k-" + self,
                       [](int fd) { test::leakIntoPipes(false, 64u << 20, fd); });
  REQUIRE(thp.reported >= (64u << 20));  // at least some THPs were allocated
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
  CHECK(std::abs(static_cast<double>(mine->bytes.value()) - static_cast<double>(thp.reported)) <=
        0.05 * static_cast<double>(thp.reported));
  CHECK(f->thp_bytes == ByteCount(test::kHugePage));
  CHECK(*f->thp_count >= thp.reported / test::kHugePage);

  const report::Finding* g = findFinding(rep, "unmapped-anon");
  REQUIRE(g != nullptr);
  CAPTURE(report::findingWords(rep, *g).summary);
  const report::CgroupBytes* mine4k = nullptr;
  for (const auto& c : g->cgroups) {
    if (c.path == small_path) mine4k = &c;
  }
  REQUIRE(mine4k != nullptr);
  CHECK(
      std::abs(static_cast<double>(mine4k->bytes.value()) - static_cast<double>(small.reported)) <=
      0.05 * static_cast<double>(small.reported));
}
