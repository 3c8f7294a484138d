// memsift-testgen's cases checked against themselves: each generated root is re-read as the
// collector and analyzer would (sysfs memory blocks, the three page-frame tables through the
// frame scanner, meminfo, processes, cgroup directories) and must agree with its expected.json.
#include <sys/stat.h>

#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analyzer/frames/frame_scanner.h"
#include "common/kpf.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Generated {
  test::TempDir tmp;
  fs::path root;
  json expect;
};

// Runs the generator; the TempDir lives as long as the result.
std::unique_ptr<Generated> generate(const std::string& name, const std::string& extra = "") {
  auto g = std::make_unique<Generated>();
  g->root = g->tmp / "root";
  const fs::path exp = g->tmp / "expected.json";
  test::CommandResult r =
      test::run((test::binDir() / "memsift-testgen").string() + " " + name + " '" +
                g->root.string() + "' --expect '" + exp.string() + "' " + extra);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  g->expect = json::parse(test::readFile(exp));
  return g;
}

// A table as its values: `big_endian` says how the generated kernel wrote it (s390x).
std::vector<uint64_t> readTable(const fs::path& p, bool big_endian = false) {
  std::string s = test::readFile(p);
  REQUIRE(s.size() % 8 == 0);
  std::vector<uint64_t> v(s.size() / 8);
  std::memcpy(v.data(), s.data(), s.size());
  if (big_endian != (std::endian::native == std::endian::big)) {
    for (uint64_t& x : v)
      x = __builtin_bswap64(x);
  }
  return v;
}

bool bigEndian(const json& expect) {
  return expect["host"]["byte_order"] == "big";
}

// "Key:   123 kB" lines (meminfo, status, smaps_rollup) or "key 123" lines (vmstat); lines
// whose first value is not a number are skipped.
std::map<std::string, uint64_t> readCounters(const fs::path& p) {
  std::map<std::string, uint64_t> m;
  std::istringstream in(test::readFile(p));
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string key, value;
    if (!(l >> key >> value) || value.find_first_not_of("0123456789") != std::string::npos)
      continue;
    if (key.back() == ':') key.pop_back();
    m[key] = std::stoull(value);
  }
  return m;
}

// The node layout as the analyzer derives it: one range per memory block directory, its node
// from the block's "nodeN" link (drivers/base/memory.c).
frames::PfnLayout layoutFromSysfs(const fs::path& root, uint64_t page_size, uint64_t end_pfn) {
  const fs::path base = root / "sys/devices/system/memory";
  const uint64_t block_bytes = std::stoull(test::readFile(base / "block_size_bytes"), nullptr, 16);
  const uint64_t block = block_bytes / page_size;
  frames::PfnLayout layout;
  for (const auto& e : fs::directory_iterator(base)) {
    const std::string name = e.path().filename();
    if (name.rfind("memory", 0) != 0 || !e.is_directory()) continue;
    const uint64_t id = std::stoull(name.substr(6));
    int node = -1;
    for (const auto& l : fs::directory_iterator(e.path()))
      if (l.is_symlink() && l.path().filename().string().rfind("node", 0) == 0)
        node = std::stoi(l.path().filename().string().substr(4));
    REQUIRE(node >= 0);
    REQUIRE(test::readFile(e.path() / "state") == "online\n");
    const uint64_t start = id * block;
    if (start < end_pfn) layout.add(Pfn(start), Pfn(std::min(start + block, end_pfn)), node);
  }
  layout.finalize();
  return layout;
}

uint64_t catPages(const json& cats, const std::string& id) {
  return cats.contains(id) ? cats[id]["pages"].get<uint64_t>() : 0;
}

// Every directory inode under the memory cgroup hierarchy.
std::set<uint64_t> cgroupInodes(const fs::path& dir) {
  std::set<uint64_t> s;
  struct stat st;
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  s.insert(st.st_ino);
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_directory()) continue;
    REQUIRE(::stat(e.path().c_str(), &st) == 0);
    s.insert(st.st_ino);
  }
  return s;
}

// The checks every case with page-frame tables passes. Returns the census for case checks.
frames::FrameCensus checkTables(const Generated& g) {
  const json& x = g.expect;
  const uint64_t ps = x["host"]["page_size"];
  const uint64_t end = x["layout"]["end_pfn"];
  const json& t = x["tables"];
  REQUIRE(t["frames"].get<uint64_t>() == end);
  // File sizes: one u64 per frame, the three tables of the same length.
  for (const char* f : {"kpageflags", "kpagecount", "kpagecgroup"})
    CHECK(fs::file_size(g.root / "proc" / f) == end * 8);
  const std::vector<uint64_t> flags = readTable(g.root / "proc/kpageflags", bigEndian(x));
  const std::vector<uint64_t> counts = readTable(g.root / "proc/kpagecount", bigEndian(x));
  const std::vector<uint64_t> cgroups = readTable(g.root / "proc/kpagecgroup", bigEndian(x));

  // The raw flags histogram, recounted from the file.
  std::map<uint64_t, uint64_t> hist;
  for (uint64_t f : flags)
    ++hist[f];
  std::map<uint64_t, uint64_t> want;
  for (const json& h : t["flags_histogram"])
    want[std::stoull(h["flags"].get<std::string>(), nullptr, 16)] = h["pages"];
  CHECK(hist == want);

  // The frame scanner's categories, with the layout read back from sysfs.
  const frames::PfnLayout layout = layoutFromSysfs(g.root, ps, end);
  frames::FrameScanner scanner(layout);
  const size_t chunk = 1 << 16;
  for (size_t i = 0; i < flags.size(); i += chunk) {
    const size_t n = std::min(chunk, flags.size() - i);
    scanner.consume({Pfn(i), std::span(flags).subspan(i, n), std::span(counts).subspan(i, n),
                     std::span(cgroups).subspan(i, n)});
  }
  const frames::FrameCensus census = scanner.finish();
  uint64_t sum = 0;
  for (size_t i = 0; i < frames::kFrameCategoryCount; ++i) {
    const auto cat = static_cast<frames::FrameCategory>(i);
    const std::string id(frames::categoryId(cat));
    INFO("category " << id);
    CHECK(census[cat].pages.value() == catPages(t["categories"], id));
    sum += census[cat].pages.value();
    if (!t["categories"].contains(id)) continue;
    for (const json& n : t["categories"][id]["nodes"])
      CHECK(census[cat].node_pages.at(n["node"].get<size_t>()) == n["pages"].get<uint64_t>());
    uint64_t compounds = t["categories"][id]["compounds"];
    CHECK(census[cat].compounds == compounds);
  }
  CHECK(sum == end);
  CHECK(t["category_pages_sum"].get<uint64_t>() == end);

  // kpagecgroup holds the inodes of the cgroup directories, which exist.
  const std::set<uint64_t> inodes = cgroupInodes(
      g.root / (x["host"]["cgroup_version"] == 1 ? "sys/fs/cgroup/memory" : "sys/fs/cgroup"));
  std::set<uint64_t> seen(cgroups.begin(), cgroups.end());
  seen.erase(0);
  for (uint64_t ino : seen) {
    INFO("kpagecgroup inode " << ino);
    CHECK(inodes.count(ino) == 1);
  }
  for (const json& pc : t["page_cgroups"]) {
    const uint64_t ino = pc["inode"];
    for (const auto& [id, pages] : pc["pages"].items()) {
      INFO("cgroup " << pc["path"] << " category " << id);
      size_t i = 0;
      while (frames::categoryId(static_cast<frames::FrameCategory>(i)) != id)
        ++i;
      CHECK(census.cgroups.at(ino)[i] == pages.get<uint64_t>());
    }
  }
  for (const json& c : x["cgroups"]) {
    struct stat st;
    const fs::path base =
        g.root / (x["host"]["cgroup_version"] == 1 ? "sys/fs/cgroup/memory" : "sys/fs/cgroup");
    const std::string p = c["path"];
    REQUIRE(::stat((p == "/" ? base : base / p.substr(1)).c_str(), &st) == 0);
    CHECK(st.st_ino == c["inode"].get<uint64_t>());
  }

  // MemTotal: present frames minus the reserved ones (bit 32).
  uint64_t reserved = 0;
  for (const auto& [f, n] : hist)
    if (f & kpf::bit(kpf::kReserved)) reserved += n;
  const uint64_t present = end - census[frames::FrameCategory::kHole].pages.value();
  CHECK(x["host"]["mem_total_bytes"].get<uint64_t>() == (present - reserved) * ps);
  const auto mi = readCounters(g.root / "proc/meminfo");
  CHECK(mi.at("MemTotal") * 1024 == x["host"]["mem_total_bytes"].get<uint64_t>());
  return census;
}

// 6.x cases: meminfo is generated from the frames and must agree with the census exactly.
void checkMeminfo(const Generated& g, const frames::FrameCensus& c) {
  using frames::FrameCategory;
  const uint64_t kb = g.expect["host"]["page_size"].get<uint64_t>() / 1024;
  const auto mi = readCounters(g.root / "proc/meminfo");
  auto pages = [&](FrameCategory k) { return c[k].pages.value() * kb; };
  CHECK(mi.at("MemFree") == pages(FrameCategory::kFree));
  CHECK(mi.at("Active(anon)") + mi.at("Inactive(anon)") == c.lru_anon.value() * kb);
  CHECK(mi.at("Active(file)") + mi.at("Inactive(file)") == c.lru_file.value() * kb);
  CHECK(mi.at("Unevictable") == c.unevictable.value() * kb);
  CHECK(mi.at("AnonPages") ==
        pages(FrameCategory::kAnonMapped) + pages(FrameCategory::kAnonThpMapped));
  // AnonHugePages counts PMD-mapped THPs only, not smaller large folios (mTHP).
  const uint64_t pmd =
      std::stoull(test::readFile(g.root / "sys/kernel/mm/transparent_hugepage/hpage_pmd_size")) /
      g.expect["host"]["page_size"].get<uint64_t>();
  uint64_t pmd_mapped = 0;
  for (const auto& [size, count] : c[FrameCategory::kAnonThpMapped].compound_sizes)
    if (size == pmd) pmd_mapped += size * count;
  CHECK(mi.at("AnonHugePages") == pmd_mapped * kb);
  CHECK(mi.at("Shmem") ==
        pages(FrameCategory::kShmemMapped) + pages(FrameCategory::kShmemUnmapped));
  CHECK(mi.at("Slab") == pages(FrameCategory::kSlab));
  CHECK(mi.at("PageTables") == pages(FrameCategory::kPageTable));
  CHECK(mi.at("Hugetlb") ==
        pages(FrameCategory::kHugetlbMapped) + pages(FrameCategory::kHugetlbUnmapped));
}

// Processes: status RssAnon adds up to what the expectations say each maps.
uint64_t sumRssAnonKib(const Generated& g) {
  uint64_t sum = 0;
  for (const json& p : g.expect["processes"]) {
    const fs::path d = g.root / "proc" / std::to_string(p["pid"].get<int>());
    const auto st = readCounters(d / "status");
    CHECK(st.at("RssAnon") == p["anon_kib"].get<uint64_t>());
    const auto ru = readCounters(d / "smaps_rollup");
    CHECK(ru.at("Anonymous") == p["anon_kib"].get<uint64_t>());
    sum += st.at("RssAnon");
  }
  return sum;
}

// A finding built from one category must match the census exactly.
void checkCategoryFinding(const Generated& g, const frames::FrameCensus& c, const std::string& id) {
  bool found = false;
  for (const json& f : g.expect["findings"]) {
    if (f["id"] != id) continue;
    found = true;
    const std::string cat_id = f["category"];
    size_t i = 0;
    while (frames::categoryId(static_cast<frames::FrameCategory>(i)) != cat_id)
      ++i;
    const auto& cat = c.categories[i];
    CHECK(f["pages"].get<uint64_t>() == cat.pages.value());
    CHECK(f["range_count"].get<uint64_t>() == cat.range_count);
    uint64_t by_cgroup = 0;
    for (const json& cg : f["cgroups"])
      by_cgroup += cg["bytes"].get<uint64_t>();
    CHECK(by_cgroup == f["bytes"].get<uint64_t>());
  }
  CHECK(found);
}

}  // namespace

TEST_CASE("testgen seed: the incident's 447 leaked THPs, consistent with its counters") {
  auto g = generate("seed");
  const json& x = g->expect;
  CHECK(x["host"]["page_size"] == 65536);
  CHECK(x["host"]["era"] == "4.18");
  CHECK(x["host"]["mem_total_bytes"] == uint64_t{265856640} * 1024);
  const frames::FrameCensus c = checkTables(*g);
  using frames::FrameCategory;
  const auto& leak = c[FrameCategory::kAnonThpUnmapped];
  CHECK(leak.compounds == 447);
  REQUIRE(leak.compound_sizes.size() == 1);
  CHECK(leak.compound_sizes[0].first == 8192);
  CHECK(leak.pages.value() == 447u * 8192);
  CHECK(leak.ranges.front().start == Pfn(0x10000));
  // The 4.18 shapes page-types showed in the report: heads 0x40507c (+ compound_head), tails
  // anonymous|thp (+ compound_tail), kpagecount 0 everywhere, the memcg on heads only.
  const std::vector<uint64_t> flags = readTable(g->root / "proc/kpageflags");
  const std::vector<uint64_t> counts = readTable(g->root / "proc/kpagecount");
  const std::vector<uint64_t> cgroups = readTable(g->root / "proc/kpagecgroup");
  for (uint64_t pfn : {0x10000u, 0x12000u, 0x14000u}) {
    CHECK(flags[pfn] == (0x40507cu | kpf::bit(kpf::kCompoundHead)));
    CHECK(flags[pfn + 1] == (0x401000u | kpf::bit(kpf::kCompoundTail)));
    CHECK(flags[pfn + 0x1fff] == (0x401000u | kpf::bit(kpf::kCompoundTail)));
    CHECK(counts[pfn] == 0);
    CHECK(counts[pfn + 5] == 0);
    CHECK(cgroups[pfn] != 0);
    CHECK(cgroups[pfn + 1] == 0);
  }
  // One finding: the leak, in the QEMU machine cgroup, on four nodes.
  REQUIRE(x["findings"].size() == 1);
  const json& f = x["findings"][0];
  CHECK(f["id"] == "unmapped-anon-thp");
  CHECK(f["thp_count"] == 447);
  CHECK(f["thp_bytes"] == 536870912);
  CHECK(f["bytes"] == uint64_t{447} * 536870912);
  REQUIRE(f["cgroups"].size() == 1);
  CHECK(f["cgroups"][0]["path"] == "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope");
  CHECK(f["cgroups"][0]["inode"] == cgroups[0x10000]);
  REQUIRE(f["nodes"].size() == 4);
  const uint64_t per_node[4] = {120, 112, 112, 103};
  for (size_t n = 0; n < 4; ++n)
    CHECK(f["nodes"][n]["bytes"] == per_node[n] * 536870912);
  checkCategoryFinding(*g, c, "unmapped-anon-thp");
  // The incident's vmstat, which the frames follow.
  const auto vm = readCounters(g->root / "proc/vmstat");
  CHECK(vm.at("nr_free_pages") == c[FrameCategory::kFree].pages.value());
  CHECK(vm.at("nr_active_anon") + vm.at("nr_inactive_anon") == c.lru_anon.value());
  CHECK(vm.at("nr_active_file") + vm.at("nr_inactive_file") == c.lru_file.value());
  CHECK(vm.at("nr_unevictable") == c.unevictable.value());
  CHECK(vm.at("nr_mlock") == c.mlocked.value());
  CHECK(vm.at("nr_anon_pages") == c[FrameCategory::kAnonMapped].pages.value());
  CHECK(vm.at("nr_mapped") == c[FrameCategory::kFileMapped].pages.value());
  CHECK(vm.at("nr_shmem") == c[FrameCategory::kShmemUnmapped].pages.value());
  CHECK(vm.at("nr_page_table_pages") == c[FrameCategory::kPageTable].pages.value());
  CHECK(vm.at("nr_slab_reclaimable") + vm.at("nr_slab_unreclaimable") ==
        c[FrameCategory::kSlab].pages.value());
  CHECK(sumRssAnonKib(*g) == vm.at("nr_anon_pages") * 64);
  // The kernel log under the root holds the OOM kill of a qemu-kvm.
  CHECK(test::readFile(g->root / "dev/kmsg").find("Killed process 3210 (qemu-kvm)") !=
        std::string::npos);
}

TEST_CASE("testgen seed: memsift-collect --root captures its page-frame chunks") {
  const fs::path collect = test::binDir() / "memsift-collect";
  if (!fs::exists(collect))
    test::skipTest("memsift-collect is not built in " + test::binDir().string());
  auto g = generate("seed");
  const fs::path bundle = g->tmp / "seed.tar.zst";
  test::CommandResult r = test::run(collect.string() + " --root '" + g->root.string() +
                                    "' --page-size 65536 -o '" + bundle.string() + "'");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  test::CommandResult l = test::run("tar --zstd -tf '" + bundle.string() + "'");
  REQUIRE(l.exit_code == 0);
  size_t chunks = 0, counts = 0, cgroups = 0;
  std::istringstream in(l.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("pageframes/", 0) != 0) continue;
    chunks += line.ends_with("/kpageflags");
    counts += line.ends_with("/kpagecount");
    cgroups += line.ends_with("/kpagecgroup");
  }
  CHECK(chunks > 1);
  CHECK(counts == chunks);
  CHECK(cgroups == chunks);
}

TEST_CASE("testgen: the same seed writes the same page-frame tables") {
  auto a = generate("healthy-x86");
  auto b = generate("healthy-x86");
  auto c = generate("healthy-x86", "--seed 2");
  for (const char* f : {"kpageflags", "kpagecount"}) {
    CHECK(test::readFile(a->root / "proc" / f) == test::readFile(b->root / "proc" / f));
    CHECK(test::readFile(a->root / "proc" / f) != test::readFile(c->root / "proc" / f));
  }
  CHECK(a->expect["tables"]["flags_histogram"] == b->expect["tables"]["flags_histogram"]);
}

TEST_CASE("testgen synthetic: a 16 GiB host, sparse, two nodes below 64 GiB only one") {
  auto g = generate("synthetic", "--size-gib 16 --sparse");
  CHECK(g->expect["layout"]["nodes"].size() == 1);
  CHECK(g->expect["findings"].empty());
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  // The PCI hole: all-zero frames outside every memory block (6.x holes).
  CHECK(c[frames::FrameCategory::kHole].pages.value() == 0x40000);
  CHECK(c[frames::FrameCategory::kAnonThpMapped].compounds > 0);
  CHECK(c[frames::FrameCategory::kFileUnmapped].compounds > 0);  // large page-cache folios
}

TEST_CASE("testgen healthy-x86: no finding, counters agree with the frames") {
  auto g = generate("healthy-x86");
  CHECK(g->expect["findings"].empty());
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(sumRssAnonKib(*g) == mi.at("AnonPages"));
  CHECK(c[frames::FrameCategory::kAnonUnmapped].pages.value() == 0);
  CHECK(c[frames::FrameCategory::kAnonThpUnmapped].pages.value() == 0);
}

TEST_CASE("testgen pinned-anon-v2: unmapped 4 KiB anonymous pages in a v2 cgroup") {
  auto g = generate("pinned-anon-v2");
  CHECK(g->expect["host"]["cgroup_version"] == 2);
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  CHECK(c[frames::FrameCategory::kAnonUnmapped].pages.value() == 393216);
  checkCategoryFinding(*g, c, "unmapped-anon");
  CHECK(g->expect["findings"][0]["cgroups"][0]["path"] == "/system.slice/ib-worker.service");
  const std::string stat =
      test::readFile(g->root / "sys/fs/cgroup/system.slice/ib-worker.service/memory.stat");
  CHECK(stat.find("active_anon ") != std::string::npos);
}

TEST_CASE("testgen slab-leak: slab dominated by one cache") {
  auto g = generate("slab-leak");
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(g->expect["findings"][0]["bytes"].get<uint64_t>() == mi.at("SUnreclaim") * 1024);
  // slabinfo's slabs add up to the slab frames.
  std::istringstream in(test::readFile(g->root / "proc/slabinfo"));
  std::string line;
  uint64_t pages = 0;
  std::getline(in, line);
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string name, colon, word;
    uint64_t active, num, size, per, pps, aslabs, nslabs;
    l >> name >> active >> num >> size >> per >> pps >> colon >> word;
    for (int i = 0; i < 3; ++i)
      l >> word;
    l >> colon >> word >> aslabs >> nslabs;
    pages += nslabs * pps;
  }
  CHECK(pages == c[frames::FrameCategory::kSlab].pages.value());
}

TEST_CASE("testgen zombie-memcg: pages charged to the ancestor of a removed cgroup") {
  auto g = generate("zombie-memcg");
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  const json& f = g->expect["findings"][0];
  CHECK(!fs::exists(g->root / "sys/fs/cgroup/system.slice/batch-report.service"));
  const uint64_t parent = f["inode"];
  uint64_t charged = 0;
  for (size_t i = 0; i < frames::kFrameCategoryCount; ++i)
    charged += c.cgroups.at(parent)[i];
  CHECK(charged * 4096 == f["bytes"].get<uint64_t>());
}

TEST_CASE("testgen hugetlb-unused: a free pool of 2 MiB pages") {
  auto g = generate("hugetlb-unused");
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  CHECK(c[frames::FrameCategory::kHugetlbUnmapped].compounds == 1536);
  checkCategoryFinding(*g, c, "hugetlb-unused");
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(mi.at("HugePages_Total") == 1536);
  CHECK(mi.at("HugePages_Free") == 1536);
  CHECK(test::readFile(g->root / "sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages") ==
        "1536\n");
}

TEST_CASE("testgen tmpfs-unmapped: shmem nobody maps") {
  auto g = generate("tmpfs-unmapped");
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  checkCategoryFinding(*g, c, "shmem-unmapped");
}

TEST_CASE("testgen stacks-pagetables: 100k threads") {
  auto g = generate("stacks-pagetables");
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(mi.at("KernelStack") >= 1600000);
  CHECK(readCounters(g->root / "proc/7777/status").at("Threads") == 100000);
}

TEST_CASE("testgen no-root: counters without page-frame tables") {
  auto g = generate("no-root");
  CHECK(!fs::exists(g->root / "proc/kpageflags"));
  CHECK(g->expect["tables"].is_null());
  const auto mi = readCounters(g->root / "proc/meminfo");
  const uint64_t gap =
      mi.at("Active(anon)") + mi.at("Inactive(anon)") - mi.at("AnonPages") - mi.at("Shmem");
  CHECK(gap * 1024 == g->expect["signals"]["anon_lru_unexplained_bytes"].get<uint64_t>());
  CHECK(gap == 1048576);
}

TEST_CASE("testgen ppc64le-mthp: 64 KiB pages, leaked mTHP folios of three orders, 6.x tables") {
  auto g = generate("ppc64le-mthp");
  const json& x = g->expect;
  CHECK(x["host"]["arch"] == "ppc64le");
  CHECK(x["host"]["page_size"] == 65536);
  CHECK(x["host"]["era"] == "6.x");
  CHECK(x["host"]["cgroup_version"] == 2);
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  using frames::FrameCategory;
  // The leak: 1,536 x 1 MiB, 2,560 x 512 KiB, 5,632 x 256 KiB, all below the 2 MiB PMD.
  const auto& leak = c[FrameCategory::kAnonThpUnmapped];
  std::map<uint64_t, uint64_t> sizes(leak.compound_sizes.begin(), leak.compound_sizes.end());
  CHECK(sizes == std::map<uint64_t, uint64_t>{{4, 5632}, {8, 2560}, {16, 1536}});
  CHECK(test::readFile(g->root / "sys/kernel/mm/transparent_hugepage/hpage_pmd_size") ==
        "2097152\n");
  // Mapped: PMD THPs (order 5) of postgres and java, mTHPs of the model server.
  std::map<uint64_t, uint64_t> mapped;
  for (const auto& [size, count] : c[FrameCategory::kAnonThpMapped].compound_sizes)
    mapped[size] += count;
  for (uint64_t size : {4, 8, 16, 32})
    CHECK(mapped[size] > 0);
  // The per-size counters: nr_anon counts every anonymous folio of its size, mapped or not.
  for (const auto& [pages, kib] :
       std::map<uint64_t, std::string>{{4, "256"}, {8, "512"}, {16, "1024"}, {32, "2048"}}) {
    const fs::path d = g->root / ("sys/kernel/mm/transparent_hugepage/hugepages-" + kib + "kB");
    CHECK(std::stoull(test::readFile(d / "stats/nr_anon")) == mapped[pages] + sizes[pages]);
    CHECK(test::readFile(d / "enabled") ==
          (pages == 32 ? "always [inherit] madvise never\n" : "[always] inherit madvise never\n"));
  }
  // 6.x shapes: tails carry the folio's flags (thp included) plus compound_tail, and its memcg;
  // kpagecount 0 on every page of a leaked folio.
  const std::vector<uint64_t> flags = readTable(g->root / "proc/kpageflags");
  const std::vector<uint64_t> counts = readTable(g->root / "proc/kpagecount");
  const std::vector<uint64_t> cgroups = readTable(g->root / "proc/kpagecgroup");
  const json& f = x["findings"][0];
  const uint64_t head = f["ranges"][0]["start_pfn"];
  using kpf::bit;
  CHECK((flags[head] & (bit(kpf::kCompoundHead) | bit(kpf::kThp) | bit(kpf::kAnon))) ==
        (bit(kpf::kCompoundHead) | bit(kpf::kThp) | bit(kpf::kAnon)));
  CHECK((flags[head] & bit(kpf::kMmap)) == 0);
  CHECK(flags[head + 1] == ((flags[head] & ~bit(kpf::kCompoundHead)) | bit(kpf::kCompoundTail)));
  CHECK(cgroups[head + 1] == cgroups[head]);
  CHECK(cgroups[head] == f["cgroups"][0]["inode"].get<uint64_t>());
  CHECK(counts[head] == 0);
  CHECK(counts[head + 1] == 0);
  // The gap between the nodes' memory reads all-zero in the three tables (2025+ kernels).
  CHECK(c[FrameCategory::kHole].pages.value() == 0x80000);
  for (uint64_t pfn : {0x80000u, 0xc0000u, 0xfffffu})
    CHECK(flags[pfn] + counts[pfn] + cgroups[pfn] == 0);
  // The expected finding: every size, the most common one as thp_bytes.
  CHECK(f["id"] == "unmapped-anon-thp");
  CHECK(f["thp_count"] == 9728);
  CHECK(f["thp_bytes"] == 262144);
  CHECK(f["thp_sizes"] == json::parse(R"([{"bytes": 1048576, "count": 1536},
      {"bytes": 524288, "count": 2560}, {"bytes": 262144, "count": 5632}])"));
  CHECK(f["cgroups"][0]["path"] ==
        "/kubepods.slice/kubepods-pod3c1e.slice/cri-containerd-9f4a.scope");
  checkCategoryFinding(*g, c, "unmapped-anon-thp");
  // The model server maps mTHPs: counted as Anonymous in its smaps, never as AnonHugePages.
  const auto ru = readCounters(g->root / "proc/8120/smaps_rollup");
  CHECK(ru.at("Anonymous") > 0);
  CHECK(ru.at("AnonHugePages") == 0);
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(mi.at("Hugepagesize") == 2048);
  CHECK(sumRssAnonKib(*g) == mi.at("AnonPages"));
}

TEST_CASE("testgen s390x-pinned-anon: big-endian tables, 1 MiB THPs, pinned 4 KiB anon pages") {
  auto g = generate("s390x-pinned-anon");
  const json& x = g->expect;
  CHECK(x["host"]["arch"] == "s390x");
  CHECK(x["host"]["byte_order"] == "big");
  CHECK(x["host"]["page_size"] == 4096);
  CHECK(test::readFile(g->root / "proc/sys/kernel/arch") == "s390x\n");
  // checkTables() reads the tables big-endian: its histogram and census only match that way.
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  using frames::FrameCategory;
  // Big-endian on disk: the first frame is the kernel's reserved memory (bit 32), whose bytes
  // are 00 00 00 01 00 00 00 00.
  const std::string raw = test::readFile(g->root / "proc/kpageflags");
  CHECK(raw.substr(0, 8) == std::string("\0\0\0\1\0\0\0\0", 8));
  // PMD THPs are 1 MiB (256 pages): hpage_pmd_size, Hugepagesize and the mapped THPs.
  CHECK(test::readFile(g->root / "sys/kernel/mm/transparent_hugepage/hpage_pmd_size") ==
        "1048576\n");
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(mi.at("Hugepagesize") == 1024);
  CHECK(mi.count("DirectMap1M") == 1);
  REQUIRE(c[FrameCategory::kAnonThpMapped].compound_sizes.size() == 1);
  CHECK(c[FrameCategory::kAnonThpMapped].compound_sizes[0].first == 256);
  // One node, memory from PFN 0, no hole; 256 MiB memory blocks.
  CHECK(c[FrameCategory::kHole].pages.value() == 0);
  CHECK(test::readFile(g->root / "sys/devices/system/memory/block_size_bytes") == "10000000\n");
  CHECK(c[FrameCategory::kAnonUnmapped].pages.value() == 262144);
  checkCategoryFinding(*g, c, "unmapped-anon");
  CHECK(x["findings"][0]["cgroups"][0]["path"] == "/system.slice/mq-broker.service");
  CHECK(sumRssAnonKib(*g) == mi.at("AnonPages"));
}

TEST_CASE("testgen arm64-16k-thp: 16 KiB pages, 64 leaked 32 MiB THPs, RAM from 1 GiB") {
  auto g = generate("arm64-16k-thp");
  const json& x = g->expect;
  CHECK(x["host"]["arch"] == "aarch64");
  CHECK(x["host"]["byte_order"] == "little");
  CHECK(x["host"]["page_size"] == 16384);
  const frames::FrameCensus c = checkTables(*g);
  checkMeminfo(*g, c);
  using frames::FrameCategory;
  const auto& leak = c[FrameCategory::kAnonThpUnmapped];
  CHECK(leak.compounds == 64);
  REQUIRE(leak.compound_sizes.size() == 1);
  CHECK(leak.compound_sizes[0].first == 2048);
  CHECK(test::readFile(g->root / "sys/kernel/mm/transparent_hugepage/hpage_pmd_size") ==
        "33554432\n");
  const auto mi = readCounters(g->root / "proc/meminfo");
  CHECK(mi.at("Hugepagesize") == 32768);
  // The PFNs below 1 GiB are a hole (all-zero), outside every memory block.
  CHECK(c[FrameCategory::kHole].pages.value() == 0x10000);
  const std::vector<uint64_t> flags = readTable(g->root / "proc/kpageflags");
  CHECK(flags[0] == 0);
  CHECK(flags[0xffff] == 0);
  CHECK(flags[0x10000] == kpf::bit(kpf::kReserved));
  CHECK(test::readFile(g->root / "sys/devices/system/memory/block_size_bytes") == "8000000\n");
  const json& f = x["findings"][0];
  CHECK(f["id"] == "unmapped-anon-thp");
  CHECK(f["thp_count"] == 64);
  CHECK(f["thp_bytes"] == uint64_t{32} << 20);
  CHECK(f["cgroups"][0]["path"] == "/machine.slice/vm-storage01.scope");
  checkCategoryFinding(*g, c, "unmapped-anon-thp");
  CHECK(sumRssAnonKib(*g) == mi.at("AnonPages"));
}
