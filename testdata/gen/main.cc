// memsift-testgen: writes a synthetic system root (a case of testdata/README.md) for
// `memsift-collect --root`, and the expectations file tests assert the analysis against.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "common/exit_codes.h"
#include "testdata/gen/cases.h"
#include "testdata/gen/meminfo_set.h"

namespace {

constexpr const char* kUsage =
    "usage: memsift-testgen CASE DIR [options]\n"
    "\n"
    "Writes a complete synthetic system root into DIR (which must be empty or absent) and an\n"
    "expectations file (default DIR/../expected.json; see testdata/README.md).\n"
    "\n"
    "Cases:\n"
    "  seed               the incident: arm64, 64 KiB pages, 4.18, 447 leaked 512 MiB THPs\n"
    "  synthetic          a large healthy x86_64 host (--size-gib, --page-size, --kernel)\n"
    "  healthy-x86        a small healthy x86_64 host on a 6.x kernel: no finding\n"
    "  pinned-anon-v2     unmapped 4 KiB anonymous pages pinned by a driver, cgroup v2\n"
    "  slab-leak          SUnreclaim dominant, slabinfo names the cache\n"
    "  zombie-memcg       page cache and anon charged to a removed cgroup\n"
    "  hugetlb-unused     a hugetlb pool reserved and never used\n"
    "  tmpfs-unmapped     tmpfs filling memory with no process mapping it\n"
    "  stacks-pagetables  kernel stacks and page tables of 100k threads\n"
    "  no-root            what an unprivileged collector sees: no page-frame tables\n"
    "  ppc64le-mthp       ppc64le, 64 KiB pages, 6.x, anonymous mTHP folios of several orders\n"
    "  s390x-pinned-anon  s390x, big-endian tables, 1 MiB THPs, unmapped pinned 4 KiB anon pages\n"
    "  arm64-16k-thp      arm64, 16 KiB pages, 64 leaked 32 MiB THPs in a VM's cgroup\n"
    "  many-cgroups       5,000 memory cgroups, 16,000 memory blocks: tables in several parts\n"
    "\n"
    "Options:\n"
    "  --expect FILE      where to write the expectations (default DIR/../expected.json)\n"
    "  --seed N           PRNG seed (default 1): the same seed writes the same root\n"
    "  --sparse           leave long all-zero runs of the page-frame tables as file holes\n"
    "  --size-gib N       synthetic: memory size (default 256)\n"
    "  --page-size N      synthetic: 4096 (default)\n"
    "  --kernel VERSION   synthetic: kernel release to claim (default 6.18)\n"
    "  --leak-percent N   arm64-16k-thp, pinned-anon-v2: the leak at N% of its size (default\n"
    "                     100), to write the same host before or after it grew\n"
    "  --uptime-add S     the same boot S seconds later (uptime; boot_id is unchanged)\n"
    "  --seed-dir DIR     seed: where meminfo and vmstat of the incident are\n"
    "                     (default: testdata/seed of the source tree)\n"
    "  --meminfo-set K=V  after the case, proc/meminfo's K is V kB, or V x MemTotal when V\n"
    "                     ends in x (\"Inactive(file)=15x\"): a kernel whose accounting is\n"
    "                     wrong; repeatable; the expectations file does not know it\n";

bool parseUint(const char* s, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0') return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace memsift::testgen;
  namespace fs = std::filesystem;
  std::vector<std::string> pos, meminfo_sets;
  Options o;
  o.seed_dir = fs::path(MEMSIFT_TESTGEN_SOURCE_DIR) / "testdata/seed";
  auto usage = [](const std::string& why) {
    std::fprintf(stderr, "memsift-testgen: %s\n\n%s", why.c_str(), kUsage);
    return memsift::kExitUsage;
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char*& v) {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    const char* v = nullptr;
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--sparse") {
      o.sparse = true;
    } else if (a == "--expect") {
      if (!value(v)) return usage("--expect needs a file");
      o.expect = v;
    } else if (a == "--seed-dir") {
      if (!value(v)) return usage("--seed-dir needs a directory");
      o.seed_dir = v;
    } else if (a == "--meminfo-set") {
      if (!value(v) || !validMeminfoSet(v)) return usage("--meminfo-set needs KEY=KIB or KEY=Nx");
      meminfo_sets.push_back(v);
    } else if (a == "--kernel") {
      if (!value(v)) return usage("--kernel needs a version");
      o.kernel = v;
    } else if (a == "--seed" || a == "--size-gib" || a == "--page-size" ||
               a == "--leak-percent" || a == "--uptime-add") {
      uint64_t n = 0;
      if (!value(v) || !parseUint(v, n)) return usage(a + " needs a number");
      (a == "--seed"           ? o.seed
       : a == "--size-gib"     ? o.size_gib
       : a == "--page-size"    ? o.page_size
       : a == "--leak-percent" ? o.leak_percent
                               : o.uptime_add) = n;
    } else if (!a.empty() && a[0] == '-') {
      return usage("unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.size() != 2) return usage("expected CASE and DIR");
  const std::string name = pos[0];
  o.dir = fs::absolute(pos[1]);
  if (o.expect.empty()) o.expect = o.dir.parent_path() / "expected.json";
  if (name != "seed" && name != "synthetic" && !isScenario(name))
    return usage("unknown case " + name);
  if (o.leak_percent > 1000) return usage("--leak-percent must be at most 1000");
  if (name == "synthetic" && (o.size_gib < 8 || o.size_gib > 16384))
    return usage("--size-gib must be between 8 and 16384");
  if (name == "synthetic" && o.page_size != 4096)
    return usage("--page-size: only 4096 is supported for synthetic (x86_64)");
  std::error_code ec;
  if (fs::exists(o.dir, ec) && !fs::is_empty(o.dir, ec)) {
    std::fprintf(stderr, "memsift-testgen: %s is not empty: refusing to mix two roots\n",
                 o.dir.c_str());
    return memsift::kExitUsage;
  }
  try {
    const auto t0 = std::chrono::steady_clock::now();
    fs::create_directories(o.dir);
    if (name == "seed") {
      caseSeed(o);
    } else if (name == "synthetic") {
      caseSynthetic(o);
    } else {
      caseScenario(name, o);
    }
    for (const std::string& set : meminfo_sets)
      applyMeminfoSet(o.dir, set);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "memsift-testgen: %s written to %s in %.2f s; expectations in %s\n",
                 name.c_str(), o.dir.c_str(), s, o.expect.c_str());
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "memsift-testgen: %s\n", ex.what());
    return memsift::kExitOutput;
  }
  return 0;
}
