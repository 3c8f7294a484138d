// The page size of a --root tree comes from the tree (KernelPageSize, the architecture, the PMD
// size), never from the machine replaying it; a tree that says nothing needs --page-size.
#include "collector/page_size.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "common/error.h"
#include "tests/collector/collector_test_util.h"

namespace memsift::test {
namespace {

namespace fs = std::filesystem;
using collector::PageSizeFact;
using collector::SystemRoot;

// The minimal root (x86_64, 4 KiB smaps) turned into an arm64 host of `kib` KiB pages.
void makeArm64(const fs::path& root, uint64_t kib) {
  makeReplayRoot(root, 100);
  writeFile(root / "proc/sys/kernel/arch", "aarch64\n");
  writeFile(root / "proc/sys/kernel/osrelease", "4.18.0-147.el8.aarch64\n");
  for (const char* pid : {"1", "42"}) {
    fs::path smaps = root / "proc" / pid / "smaps";
    writeFile(smaps, std::regex_replace(readFile(smaps), std::regex("KernelPageSize: +4 kB"),
                                        "KernelPageSize:       " + std::to_string(kib) + " kB"));
  }
  writeFile(
      root / "proc/meminfo",
      std::regex_replace(readFile(root / "proc/meminfo"), std::regex("Hugepagesize: +\\d+ kB"),
                         "Hugepagesize: " + std::to_string(kib * kib * 1024 / 8) + " kB"));
  fs::create_directories(root / "sys/kernel/mm/transparent_hugepage");
  writeFile(root / "sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
            std::to_string(kib * 1024 * kib * 1024 / 8) + "\n");
}

PageSizeFact determine(const fs::path& root, std::optional<uint64_t> given,
                       std::vector<std::string>& warnings) {
  return collector::determinePageSize(SystemRoot(root), given, warnings);
}

std::string usageError(const fs::path& root) {
  std::vector<std::string> warnings;
  try {
    determine(root, std::nullopt, warnings);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    return e.what();
  }
  return "no error";
}

TEST_CASE("a --root tree's page size comes from the tree, with where it was read") {
  TempDir tmp;
  std::vector<std::string> warnings;
  SECTION("KernelPageSize, the architecture and the PMD size of a 64 KiB arm64 host") {
    makeArm64(tmp / "root", 64);
    auto clues = collector::pageSizeClues(SystemRoot(tmp / "root"));
    REQUIRE(clues.size() == 2);
    CHECK(clues[0].bytes == 65536);
    CHECK(clues[0].source == "proc/1/smaps KernelPageSize");
    CHECK(clues[1].bytes == 65536);
    CHECK(clues[1].source ==
          "sys/kernel/mm/transparent_hugepage/hpage_pmd_size 536870912 on aarch64");
    PageSizeFact f = determine(tmp / "root", std::nullopt, warnings);
    CHECK(f.bytes == 65536);
    CHECK(f.source == clues[0].source);
    CHECK(warnings.empty());
  }
  SECTION("without smaps: the PMD size, else the default hugetlb size, on arm64 (16 KiB)") {
    makeArm64(tmp / "root", 16);
    fs::remove(tmp / "root/proc/1/smaps");
    fs::remove(tmp / "root/proc/42/smaps");
    PageSizeFact f = determine(tmp / "root", std::nullopt, warnings);
    CHECK(f.bytes == 16384);
    CHECK(f.source == "sys/kernel/mm/transparent_hugepage/hpage_pmd_size 33554432 on aarch64");
    fs::remove(tmp / "root/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    writeFile(tmp / "root/proc/meminfo", "MemTotal: 1048576 kB\nHugepagesize:      32768 kB\n");
    f = determine(tmp / "root", std::nullopt, warnings);
    CHECK(f.bytes == 16384);
    CHECK(f.source == "proc/meminfo Hugepagesize 33554432 on aarch64");
  }
  SECTION("an architecture with one page size; a kernel flavour that names its page size") {
    makeReplayRoot(tmp / "root", 100);
    fs::remove(tmp / "root/proc/1/smaps");
    fs::remove(tmp / "root/proc/42/smaps");
    PageSizeFact f = determine(tmp / "root", std::nullopt, warnings);
    CHECK(f.bytes == 4096);
    CHECK(f.source == "proc/sys/kernel/arch x86_64");
    // Before 6.1 there is no kernel.arch: the release's tail names it.
    fs::remove(tmp / "root/proc/sys/kernel/arch");
    writeFile(tmp / "root/proc/sys/kernel/osrelease", "5.14.0-362.el9.aarch64+64k\n");
    f = determine(tmp / "root", std::nullopt, warnings);
    CHECK(f.bytes == 65536);
    CHECK(f.source == "proc/sys/kernel/osrelease 5.14.0-362.el9.aarch64+64k");
  }
  SECTION("a tree that says nothing, or contradicts itself, needs --page-size") {
    makeArm64(tmp / "root", 64);
    fs::remove(tmp / "root/proc/1/smaps");
    fs::remove(tmp / "root/proc/42/smaps");
    fs::remove(tmp / "root/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    writeFile(tmp / "root/proc/meminfo", "MemTotal: 1048576 kB\n");
    CHECK_THAT(
        usageError(tmp / "root"),
        Catch::StartsWith("nothing beneath " + (tmp / "root").string() + " says its page size") &&
            Catch::EndsWith("give --page-size (this machine's page size says nothing "
                            "about another system's)"));
    // Given, it is taken as it is.
    PageSizeFact f = determine(tmp / "root", 65536, warnings);
    CHECK(f.bytes == 65536);
    CHECK(f.source == "--page-size");
    writeFile(tmp / "root/proc/42/smaps", "KernelPageSize:        4 kB\n");
    writeFile(tmp / "root/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "536870912\n");
    CHECK(usageError(tmp / "root") ==
          "the root " + (tmp / "root").string() +
              " contradicts itself about its page size: 4096 (proc/42/smaps KernelPageSize) but "
              "65536 (sys/kernel/mm/transparent_hugepage/hpage_pmd_size 536870912 on aarch64); "
              "give --page-size");
  }
  SECTION("--page-size that the tree contradicts is used, with a warning") {
    makeArm64(tmp / "root", 64);
    fs::remove(tmp / "root/proc/1/smaps");
    PageSizeFact f = determine(tmp / "root", 4096, warnings);
    CHECK(f.bytes == 4096);
    REQUIRE(warnings.size() == 2);
    CHECK(warnings[0] ==
          "--page-size 4096, but the root says 65536 (proc/42/smaps KernelPageSize)");
  }
}

TEST_CASE("memsift-collect --root records the tree's page size, refuses a tree that says none") {
  TempDir tmp;
  makeArm64(tmp / "root", 64);
  const std::string root = shellQuote((tmp / "root").string());
  CommandResult r = run(collectorPath() + " --no-nice -q --root " + root + " -o " +
                        shellQuote((tmp / "b.tar.zst").string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  ExtractedBundle b = extractBundle(tmp / "b.tar.zst", tmp / "x");
  CHECK(b.manifest.at("host").at("page_size") == 65536);
  CHECK(b.manifest.at("host").at("page_size_source") == "proc/1/smaps KernelPageSize");
  CHECK(b.manifest.at("options").at("page_size").is_null());

  for (const char* f : {"proc/1/smaps", "proc/42/smaps", "proc/sys/kernel/arch",
                        "sys/kernel/mm/transparent_hugepage/hpage_pmd_size"})
    fs::remove(tmp / "root" / f);
  writeFile(tmp / "root/proc/sys/kernel/osrelease", "4.18.0\n");
  r = run(collectorPath() + " --no-nice -q --root " + root + " -o " +
          shellQuote((tmp / "c.tar.zst").string()));
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("says its page size") && Catch::Contains("--page-size"));
  CHECK_FALSE(fs::exists(tmp / "c.tar.zst"));
}

}  // namespace
}  // namespace memsift::test
