// A generated root collected into a bundle (see generated_bundle.h).
#include "tests/analyzer/generated_bundle.h"

#include <catch2/catch.hpp>
#include <filesystem>

namespace memsift::test {

std::string generateRoot(const TempDir& dir, const std::string& test_case,
                         const std::string& testgen_options) {
  const std::string root = (dir / "root").string();
  auto gen = run((binDir() / "memsift-testgen").string() + " " + test_case + " " + root +
                 " --expect " + (dir / "expected.json").string() + " " + testgen_options + " 2>&1");
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  return root;
}

GeneratedBundle::GeneratedBundle(const std::string& test_case, bool restricted,
                                 const std::string& testgen_options, bool without_zoneinfo) {
  const std::string root = generateRoot(dir, test_case, testgen_options);
  if (restricted) {
    std::filesystem::remove(dir / "root/proc/kpagecgroup");
    std::filesystem::remove_all(dir / "root/sys/devices/system/memory");
  }
  if (without_zoneinfo) std::filesystem::remove(dir / "root/proc/zoneinfo");
  auto collect = run((binDir() / "memsift-collect").string() + " -q --no-nice --root " + root +
                     " -o " + path + " 2>&1");
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
}

std::string GeneratedBundle::report(const std::string& format) const {
  auto r =
      run((binDir() / "memsift").string() + " report " + path + " -f " + format + " 2>/dev/null");
  // 4: written, from an incomplete collection (a restricted root lacks what the collector reads).
  REQUIRE((r.exit_code == 0 || r.exit_code == 4));
  return r.out;
}

}  // namespace memsift::test
