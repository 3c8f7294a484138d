// memsift-testgen's kernel eras (testdata/gen/kernel_era.h) against what the kernel lab saw on
// real Debian kernels (docs/kernel-lab.md): the same case on a 6.1, a 6.12 and a 6.18 kernel
// writes each era's THP tails, holes and KPF_KSM, and memsift finds the same leak in all three.
#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzer/analysis/analyze.h"
#include "common/kpf.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;
using kpf::bit;

namespace {

struct Era {
  const char* release;
  const char* name;   // expected.json host.era
  bool folio_tails;   // tails carry the folio's flags and cgroup
  bool nopage_holes;  // holes are KPF_NOPAGE, not all-zero
  bool ksm_on_anon;   // KPF_KSM on every anonymous page
};

// arm64 with 16 KiB pages, as the lab's arm64-6.12-16k; 6.1 and 6.18 releases of the same.
constexpr Era kEras[] = {
    {"6.1.0-50-arm64-16k", "6.1", false, true, false},
    {"6.12.117+deb13-arm64-16k", "6.12", true, true, true},
    {"6.18.0-memsift", "6.x", true, false, false},
};

std::vector<uint64_t> table(const fs::path& p) {
  const std::string s = test::readFile(p);
  REQUIRE(s.size() % 8 == 0);
  std::vector<uint64_t> v(s.size() / 8);
  std::memcpy(v.data(), s.data(), s.size());
  return v;
}

}  // namespace

TEST_CASE("testgen eras: 6.1, 6.12 and 6.18 tables as the lab's kernels wrote them") {
  for (const Era& era : kEras) {
    CAPTURE(era.release);
    test::TempDir dir;
    const fs::path root = dir / "root";
    auto gen = test::run((test::binDir() / "memsift-testgen").string() + " arm64-16k-thp " +
                         root.string() + " --expect " + (dir / "x.json").string() + " --kernel " +
                         era.release);
    INFO(gen.out);
    REQUIRE(gen.exit_code == 0);
    const nlohmann::json x = nlohmann::json::parse(test::readFile(dir / "x.json"));
    CHECK(x["host"]["era"] == era.name);
    const std::vector<uint64_t> flags = table(root / "proc/kpageflags");
    const std::vector<uint64_t> cgroups = table(root / "proc/kpagecgroup");

    // A leaked 32 MiB THP: its head, then 2,047 tails.
    const nlohmann::json& leak = x["findings"][0];
    REQUIRE(leak["id"] == "unmapped-anon-thp");
    const uint64_t head = leak["ranges"][0]["start_pfn"].get<uint64_t>();
    const uint64_t tail = head + 1;
    REQUIRE(flags.at(head) & bit(kpf::kCompoundHead));
    REQUIRE(cgroups.at(head) != 0);
    if (era.folio_tails) {
      CHECK(flags.at(tail) ==
            ((flags.at(head) & ~bit(kpf::kCompoundHead)) | bit(kpf::kCompoundTail)));
      CHECK(cgroups.at(tail) == cgroups.at(head));
    } else {
      // 0x411000: compound_tail, anonymous, thp; no cgroup (x86_64-6.1 and arm64-6.1 in the lab).
      CHECK(flags.at(tail) == 0x411000);
      CHECK(cgroups.at(tail) == 0);
    }

    // Holes (the 1 GiB below RAM on arm64's virt machine): KPF_NOPAGE until the 2025 rework.
    const uint64_t holes = x["tables"]["categories"]["hole"]["pages"].get<uint64_t>();
    REQUIRE(holes > 0);
    uint64_t nopage = 0, anon = 0, anon_ksm = 0;
    for (uint64_t f : flags) {
      nopage += (f & bit(kpf::kNopage)) != 0;
      if (f & bit(kpf::kAnon)) {
        ++anon;
        anon_ksm += (f & bit(kpf::kKsm)) != 0;
      }
    }
    CHECK(nopage == (era.nopage_holes ? holes : 0));
    REQUIRE(anon > 0);
    CHECK(anon_ksm == (era.ksm_on_anon ? anon : 0));
    // 6.x /proc files in every one of them.
    CHECK(test::readFile(root / "proc/4410/smaps_rollup").find("Pss_Dirty:") != std::string::npos);

    // The analyzer finds the same leak whatever the era.
    auto c = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                       root.string() + " --page-size 16384 -o " + (dir / "b.tar.zst").string());
    INFO(c.out);
    REQUIRE(c.exit_code == 0);
    analysis::BundleData data = analysis::loadBundle((dir / "b.tar.zst").string());
    const report::Report r = analysis::analyze(data);
    std::vector<std::string> ids, want;
    for (const report::Finding& f : r.findings)
      if (f.severity != report::Severity::kInfo) ids.push_back(f.id);
    for (const nlohmann::json& w : x["findings"])
      if (w["severity"] != "info") want.push_back(w["id"]);
    CHECK(ids == want);
    REQUIRE(!r.findings.empty());
    CHECK(r.findings.front().id == "unmapped-anon-thp");
    CHECK(r.findings.front().bytes.value() == leak["bytes"].get<uint64_t>());
    CHECK(r.findings.front().thp_bytes == ByteCount(32ull << 20));
  }
}
