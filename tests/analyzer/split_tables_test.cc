// Derived tables stored in several parts (cgroups.tsv, cgroups.tsv.part2, ...): the generated
// many-cgroups root (5,000 memory cgroups, 16,000 memory blocks) collected with `memsift-collect
// --root`, analysed and given to `memsift page-types -c`. Its incident lies past the first part of
// both tables: the pinned pages are charged to the last pod's cgroup and sit on node 1.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/analysis/bundle_data.h"
#include "tests/test_support.h"

using namespace memsift;
namespace fs = std::filesystem;

TEST_CASE("tables in parts: later cgroups keep their paths, later blocks their node") {
  test::TempDir dir;
  const fs::path root = dir / "root", bundle = dir / "b.tar.zst";
  auto gen = test::run((test::binDir() / "memsift-testgen").string() + " many-cgroups " +
                       root.string() + " --expect " + (dir / "expected.json").string());
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  auto collect = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                           root.string() + " --page-size 4096 -o " + bundle.string());
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
  const std::string memsift = (test::binDir() / "memsift").string();
  // The case is only a test of parts if the collector did split both tables.
  auto list = test::run(memsift + " list " + bundle.string());
  REQUIRE_THAT(list.out, Catch::Contains("cgroups.tsv.part2"));
  REQUIRE_THAT(list.out, Catch::Contains("memory-blocks.tsv.part2"));

  const nlohmann::json expected = nlohmann::json::parse(test::readFile(dir / "expected.json"));
  const std::string last = expected["last_cgroup"]["path"];
  const uint64_t last_inode = expected["last_cgroup"]["inode"];

  analysis::BundleData data = analysis::loadBundle(bundle.string());
  CHECK(data.cgroups.size() > 5000);
  const analysis::CgroupData* cg = data.cgroupByInode(last_inode);
  REQUIRE(cg != nullptr);
  CHECK(cg->path == last);
  // The last block (node 1) is in memory-blocks.tsv.part2: the layout must reach it.
  REQUIRE(data.layout_source == "memory-blocks.tsv");
  const uint64_t end_pfn = expected["layout"]["end_pfn"];
  frames::PfnLayout::Cursor cursor(data.layout);
  CHECK(cursor.nodeOf(Pfn(end_pfn - 1)) == 1);

  report::Report r = analysis::analyze(data);
  const report::Finding* anon = nullptr;
  for (const report::Finding& f : r.findings) {
    // Cgroups the map lists are never "removed": their inodes are all known.
    CHECK(f.id != "zombie-memcg");
    if (f.id == "unmapped-anon") anon = &f;
  }
  REQUIRE(anon != nullptr);
  REQUIRE(anon->cgroups.size() == 1);
  CHECK(anon->cgroups[0].path == last);
  REQUIRE(anon->nodes.size() == 1);
  CHECK(anon->nodes[0].node == 1);
  CHECK(anon->nodes[0].bytes.value() == 512ull << 20);

  // extract gives each table back whole: one file, every row, though other members came between.
  auto extract = test::run(memsift + " extract " + bundle.string() + " " + (dir / "x").string());
  CHECK(extract.exit_code == 0);
  CHECK(!fs::exists(dir / "x/cgroups.tsv.part2"));
  CHECK(!fs::exists(dir / "x/memory-blocks.tsv.part2"));
  const std::string map = test::readFile(dir / "x/cgroups.tsv");
  CHECK(static_cast<size_t>(std::count(map.begin(), map.end(), '\n')) == data.cgroups.size() + 1);

  // page-types finds the last cgroup by its path (cgroups.tsv.part3) and counts its pinned pages.
  auto pt = test::run(memsift + " page-types " + bundle.string() + " -c " + last + " 2>&1");
  INFO(pt.out);
  CHECK(pt.exit_code == 0);
  CHECK_THAT(pt.out, Catch::Contains("131072"));
}
