// The seed incident end to end through the command lines a first-time user types: collected
// from its root without --page-size (the tree says 64 KiB), `page-types -c` with the QEMU scope's
// systemd-escaped path, an unknown cgroup, and the report's crash next step.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

namespace {

constexpr const char* kQemuScope = "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope";

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

TEST_CASE("seed: collected without --page-size, analysed, page-types -c by path") {
  test::TempDir dir;
  const std::string root = (dir / "root").string(), bundle = (dir / "seed.tar.zst").string();
  auto gen = test::run((test::binDir() / "memsift-testgen").string() + " seed " + quoted(root) +
                       " --expect " + quoted((dir / "expected.json").string()));
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  // No --page-size: the root is an arm64 host of 64 KiB pages, and says so.
  auto collect = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                           quoted(root) + " -o " + quoted(bundle));
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
  const std::string memsift = (test::binDir() / "memsift").string();
  auto info = test::run(memsift + " info " + quoted(bundle));
  CHECK_THAT(info.out, Catch::Contains("page_size                65536"));
  CHECK(std::regex_search(info.out,
                          std::regex("page_size_source +proc/[0-9]+/smaps KernelPageSize")));

  // The report: no page-size conflict; the crash step gives the physical address of PFN
  // 0x10000 (x 64 KiB), not the PFN.
  auto report = test::run(memsift + " report " + quoted(bundle) + " 2>&1");
  CHECK(report.out.find("page-size-mismatch") == std::string::npos);
  CHECK(report.out.find("kmem -p 0x10000`") == std::string::npos);
  CHECK_THAT(report.out, Catch::Contains("kmem -p 0x100000000`"));

  // -c with the path as systemd wrote it: cgroups.tsv stores it escaped, the lookup unescapes.
  auto pt = test::run(memsift + " page-types " + quoted(bundle) + " -c " + quoted(kQemuScope) +
                      " 2>" + quoted((dir / "err").string()));
  INFO(pt.out);
  CHECK(pt.exit_code == 0);
  CHECK(pt.out.find("total") != std::string::npos);
  // On 4.18 the tails read 0 in kpagecgroup: the count is heads only, and stderr says so.
  const std::string err = test::readFile(dir / "err");
  INFO(err);
  std::smatch m;
  REQUIRE(std::regex_search(
      err, m,
      std::regex("note: on this kernel only a THP's head page carries its memory cgroup in "
                 "kpagecgroup \\(4.18-era semantics; tails read 0\\), so -c counted ([0-9]+) THP "
                 "heads and left out their ([0-9]+) tail pages")));
  const uint64_t heads = std::stoull(m[1]), tails = std::stoull(m[2]);
  CHECK(heads >= 447);
  CHECK(tails == heads * 8191);
  // The same path as on the live host, below the v1 memory controller's mount point.
  auto live = test::run(memsift + " page-types " + quoted(bundle) + " -c " +
                        quoted(std::string("/sys/fs/cgroup/memory") + kQemuScope) + " 2>/dev/null");
  CHECK(live.exit_code == 0);
  CHECK(live.out == pt.out);

  // A cgroup the bundle does not have is a usage error (exit 2), not the root cgroup's pages.
  for (const char* missing : {"/no/such/cgroup", "/sys/fs/cgroup/memory/no/such", "vm.scope"}) {
    auto bad = test::run(memsift + " page-types " + quoted(bundle) + " -c " + quoted(missing));
    INFO(bad.out);
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.out, Catch::Contains("no such memory cgroup in the bundle"));
  }
}
