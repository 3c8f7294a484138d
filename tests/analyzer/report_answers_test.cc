// Issue 16: no wrong answer without a warning. Each case is a report that used to mislead (a
// finding drawn from frames a truncated bundle lacks, an unmeasured PSS printed as 0, a negative
// difference printed as 0, MemFree and the page scan apart without a word, a cgroup table sorted
// by another figure than its column) and what the report says now; and the JSON report checked
// against docs/report-schema.json with a real validator (python3-jsonschema).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/json_renderer.h"
#include "analyzer/report/render.h"
#include "analyzer/report/wording.h"
#include "tests/analyzer/golden_report.h"
#include "tests/test_support.h"

using namespace memsift;
using frames::FrameCategory;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kPage = 4096;

// Bundle data built by hand: the system files parsed as the loader parses them.
struct Bundle {
  analysis::BundleData d;
  std::vector<parse::ParseIssue> issues;

  Bundle() {
    d.page_size = kPage;
    d.bundle_complete = d.collection_complete = true;
  }
  const std::string& text(const std::string& name, std::string text) {
    auto& m = d.texts[name] = std::make_unique<analysis::TextMember>();
    m->name = name;
    m->text = std::move(text);
    return m->text;
  }
  void meminfo(const std::string& body) {
    parse::IssueSink sink("proc/meminfo", issues);
    d.meminfo = parse::parseMeminfo(text("proc/meminfo", body), sink);
  }
  void zoneinfo(const std::string& body) {
    parse::IssueSink sink("proc/zoneinfo", issues);
    d.zoneinfo = parse::parseZoneinfo(text("proc/zoneinfo", body), sink);
  }
  analysis::ProcessData& process(int pid, const std::string& comm) {
    analysis::ProcessData p;
    p.pid = pid;
    p.comm = comm;
    p.cmdline = comm;
    d.processes.push_back(p);
    return d.processes.back();
  }
};

std::string render(const report::Report& r, report::Format f, report::TextOptions o = {}) {
  std::string out;
  report::renderReport(r, f, out, o);
  return out;
}

const report::Finding* findingById(const report::Report& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

size_t widestLine(const std::string& text) {
  size_t widest = 0, start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    widest =
        std::max(widest, report::displayWidth(std::string_view(text).substr(start, nl - start)));
    start = nl + 1;
  }
  return widest;
}

// Generates a corpus case, collects it and returns the bundle's path.
fs::path collectCase(const std::string& name, uint64_t page_size, const test::TempDir& dir) {
  auto gen = test::run((test::binDir() / "memsift-testgen").string() + " " + name + " " +
                       (dir / "root").string());
  INFO(gen.out);
  REQUIRE(gen.exit_code == 0);
  auto collect = test::run((test::binDir() / "memsift-collect").string() + " -q --no-nice --root " +
                           (dir / "root").string() + " --page-size " + std::to_string(page_size) +
                           " -o " + (dir / "b.tar.zst").string());
  INFO(collect.out);
  REQUIRE(collect.exit_code == 0);
  return dir / "b.tar.zst";
}

}  // namespace

TEST_CASE("a truncated seed bundle: no finding compares counters with frames it lacks",
          "[answers]") {
  test::TempDir dir;
  fs::path whole = collectCase("seed", 65536, dir);
  fs::path cut = dir / "cut.tar.zst";
  REQUIRE(test::run("head -c 100000 " + whole.string() + " > " + cut.string()).exit_code == 0);
  auto r = test::run((test::binDir() / "memsift").string() + " report " + cut.string());
  INFO(r.out);
  CHECK(r.exit_code == 4);
  analysis::BundleData data = analysis::loadBundle(cut.string());
  report::Report rep = analysis::analyze(data);
  REQUIRE(data.census);
  // The frames the cut took are counted, and said.
  REQUIRE(rep.anon.frames_lost);
  CHECK(rep.anon.frames_lost->value() > 0);
  REQUIRE(rep.frames);
  CHECK(rep.frames->missing_frames == *rep.anon.frames_lost);
  std::string limitations;
  for (const auto& l : rep.collection.limitations)
    limitations += report::limitationText(l) + "\n";
  INFO(limitations);
  CHECK_THAT(limitations, Catch::Contains("missing from the tables (damage or truncation)"));
  // The counters are whole; the scan is not: the difference may be on the missing frames.
  CHECK(findingById(rep, "counters-disagree") == nullptr);
  CHECK(findingById(rep, "anon-lru-unexplained") == nullptr);
  CHECK_THAT(r.out, Catch::Contains("missing from the tables"));
}

TEST_CASE("a cut page scan without a memory layout: the comparisons stand down", "[answers]") {
  Bundle b;
  b.d.bundle_complete = false;
  b.d.damage.push_back({"pageframes/0000000000020000/kpageflags", 0, bundle::DamageKind::kTruncated,
                        "bundle truncated in member pageframes/0000000000020000/kpageflags"});
  b.meminfo(
      "MemTotal: 16777216 kB\nMemFree: 1048576 kB\nActive(anon): 8388608 kB\n"
      "Inactive(anon): 0 kB\nAnonPages: 1048576 kB\nShmem: 0 kB\n");
  b.d.has_page_tables = true;
  b.d.census.emplace();
  b.d.census->frames = PageCount(131072);
  b.d.census->end_pfn = Pfn(131072);
  report::Report r = analysis::analyze(b.d);
  CHECK(!r.anon.frames_lost);
  CHECK(r.anon.frames_lost_unknown);
  CHECK(findingById(r, "counters-disagree") == nullptr);
  CHECK(findingById(r, "anon-lru-unexplained") == nullptr);
  bool said = false;
  for (const auto& l : r.collection.limitations)
    said |= report::limitationText(l).find("the counters are not compared with them") !=
            std::string::npos;
  CHECK(said);
}

TEST_CASE("unmeasured is not zero: a process whose smaps was denied has no PSS, in every format",
          "[answers]") {
  Bundle b;
  b.meminfo("MemTotal: 1048576 kB\nMemFree: 524288 kB\n");
  analysis::ProcessData& init = b.process(1, "systemd");
  init.has_status = true;  // smaps denied: status only
  init.vm_rss = ByteCount(12u << 20);
  init.rss_anon = ByteCount(4u << 20);
  analysis::ProcessData& sh = b.process(42, "sh");
  sh.has_status = sh.has_rollup = true;
  sh.rss = sh.vm_rss = ByteCount(2u << 20);
  sh.pss = ByteCount(1u << 20);
  b.text("x", "");
  report::Report r = analysis::analyze(b.d);
  REQUIRE(r.processes.size() == 2);
  CHECK(r.processes[0].pid == 1);
  CHECK(!r.processes[0].pss);
  CHECK(!r.processes[0].uss);
  CHECK(r.processes[0].rss == ByteCount(12u << 20));
  CHECK(r.processes[1].pss == ByteCount(1u << 20));

  nlohmann::json j = nlohmann::json::parse(render(r, report::Format::kJson));
  CHECK(j["processes"][0]["pss_bytes"].is_null());
  CHECK(j["processes"][0]["uss_bytes"].is_null());
  CHECK(j["processes"][0]["anon_huge_bytes"].is_null());
  CHECK(j["processes"][1]["pss_bytes"] == 1u << 20);
  std::string text = render(r, report::Format::kText);
  CHECK_THAT(text, Catch::Contains("- is not measured, not zero: the smaps of pid 1 could not be"));
  CHECK_THAT(text, !Catch::Contains("  1    12 MiB  0 B"));
  for (auto f : {report::Format::kMarkdown, report::Format::kHtml}) {
    std::string out = render(r, f);
    CHECK_THAT(out, Catch::Contains("n/a is not measured, not zero: the smaps of pid 1"));
  }
}

TEST_CASE("a negative anonymous difference is shown with its sign and explained", "[answers]") {
  Bundle b;
  b.meminfo(
      "MemTotal: 1048576 kB\nMemFree: 524288 kB\nActive(anon): 100000 kB\nInactive(anon): 33840 "
      "kB\nAnonPages: 136192 kB\nShmem: 9318 kB\nUnevictable: 12000 kB\n");
  report::Report r = analysis::analyze(b.d);
  CHECK(r.anon.unexplained == ByteCount());
  CHECK(r.anon.difference_bytes == (133840 - 136192 - 9318) * 1024);
  std::string text = render(r, report::Format::kText);
  CHECK_THAT(text, Catch::Contains(">> = difference"));
  CHECK_THAT(text, Catch::Contains("-11.4 MiB"));
  CHECK_THAT(text, Catch::Contains("AnonPages + Shmem exceed the anonymous LRU by 11.4 MiB"));
  CHECK_THAT(text, Catch::Contains("(Unevictable 11.7 MiB)"));
  for (auto f : {report::Format::kMarkdown, report::Format::kHtml})
    CHECK_THAT(render(r, f), Catch::Contains("AnonPages + Shmem exceed the anonymous LRU by"));
  nlohmann::json j = nlohmann::json::parse(render(r, report::Format::kJson));
  CHECK(j["anon"]["difference_bytes"] == int64_t{(133840 - 136192 - 9318) * 1024});
  CHECK(j["anon"]["unexplained_bytes"] == 0);
}

TEST_CASE("the cgroup table sorts by what its columns count: the subtree", "[answers]") {
  Bundle b;
  b.meminfo("MemTotal: 16777216 kB\nMemFree: 1048576 kB\n");
  b.d.has_page_tables = true;
  b.d.census.emplace();
  b.d.census->frames = PageCount(4u << 20);
  b.d.page_cgroup_hierarchy = 0;
  auto add = [&](const std::string& path, uint64_t inode, uint64_t tasks, uint64_t pages) {
    analysis::CgroupData g;
    g.inode = inode;
    g.path = path;
    g.tasks = tasks;
    b.d.inode_index[inode] = b.d.cgroups.size();
    b.d.cgroups.push_back(g);
    b.d.census->cgroups[inode][static_cast<size_t>(FrameCategory::kAnonMapped)] = pages;
  };
  add("/", 1, 0, 10);
  add("/machine.slice", 2, 0, 0);  // its memory is charged to the VM below it
  add("/machine.slice/vm01.scope", 3, 1, 1000);
  add("/system.slice/sshd.service", 4, 1, 50);
  report::Report r = analysis::analyze(b.d);
  REQUIRE(r.cgroups.size() == 4);
  CHECK(r.cgroups[0].path == "/");
  CHECK(r.cgroups[1].path == "/machine.slice");  // ranked by its subtree, above sshd
  CHECK(r.cgroups[2].path == "/machine.slice/vm01.scope");
  CHECK(r.cgroups[3].path == "/system.slice/sshd.service");
  std::string text = render(r, report::Format::kText);
  CHECK_THAT(text, Catch::Contains(
                       "TOP MEMORY CGROUPS (4 of 4, by page frames charged to each cgroup and its "
                       "descendants)"));
  CHECK_THAT(render(r, report::Format::kMarkdown),
             Catch::Contains("by page frames charged to each cgroup and its descendants"));
  CHECK_THAT(render(r, report::Format::kHtml),
             Catch::Contains("by page frames charged to each cgroup and its descendants"));
}

TEST_CASE("MemFree is reconciled with the zones and the page scan: memory not yet managed",
          "[answers]") {
  // This machine's shape: MemTotal and MemFree count memory the kernel has not yet handed to the
  // buddy allocator (Normal: present 5,505,024 pages, managed 1,802,240).
  Bundle b;
  b.meminfo("MemTotal: 24683548 kB\nMemFree: 21600000 kB\n");
  b.zoneinfo(
      "Node 0, zone      DMA\n  pages free     3840\n        spanned  4095\n        present  "
      "3998\n        managed  3840\n  start_pfn:           1\n"
      "Node 0, zone    DMA32\n  pages free     772798\n        spanned  1044480\n        present "
      " 782336\n        managed  772798\n  start_pfn:           4096\n"
      "Node 0, zone   Normal\n  pages free     1023362\n        spanned  5505024\n        present"
      "  5505024\n        managed  1802240\n  start_pfn:           1048576\n");
  REQUIRE(b.d.zoneinfo->zones.size() == 3);
  b.d.has_page_tables = true;
  b.d.census.emplace();
  auto& c = *b.d.census;
  c.frames = PageCount(6553600);
  c.zones = {
      {Pfn(1), Pfn(4096), {}}, {Pfn(4096), Pfn(1048576), {}}, {Pfn(1048576), Pfn(6553600), {}}};
  auto put = [&](size_t zone, FrameCategory cat, uint64_t pages) {
    c.zones[zone].pages[static_cast<size_t>(cat)] += pages;
    c.categories[static_cast<size_t>(cat)].pages += PageCount(pages);
  };
  put(0, FrameCategory::kFree, 3840);
  put(1, FrameCategory::kFree, 772798);
  put(2, FrameCategory::kFree, 1023362);
  put(2, FrameCategory::kUnflagged, 3702784);
  report::Report r = analysis::analyze(b.d);
  REQUIRE(r.free_memory);
  const report::FreeReconciliation& f = *r.free_memory;
  REQUIRE(f.zones.size() == 3);
  CHECK(f.zones[2].zone == "Normal");
  CHECK(f.zones[2].frames_unflagged == PageCount(3702784));
  CHECK(f.free_beyond_zones > 0);
  CHECK(f.total_beyond_managed > 0);
  std::string all;
  for (const auto& s : report::freeExplanation(f))
    all += s + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("not yet handed to the buddy allocator"));
  CHECK_THAT(all, Catch::Contains("node 0 zone Normal has 5,505,024 pages present but 1,802,240"));
  CHECK_THAT(all, Catch::Contains("free (buddy) frames against"));
  std::string text = render(r, report::Format::kText);
  CHECK_THAT(text, Catch::Contains("FREE MEMORY"));
  CHECK_THAT(text, Catch::Contains("node 0 Normal"));
  CHECK_THAT(render(r, report::Format::kMarkdown), Catch::Contains("### Free memory"));
  CHECK_THAT(render(r, report::Format::kHtml), Catch::Contains("<h2>Free memory</h2>"));
  nlohmann::json j = nlohmann::json::parse(render(r, report::Format::kJson));
  CHECK(j["free_memory"]["zones"][2]["managed_pages"] == 1802240);
}

TEST_CASE("the collection section sums up kernel threads; tables fit 100 columns; --top 0",
          "[answers]") {
  Bundle b;
  b.meminfo("MemTotal: 1048576 kB\nMemFree: 524288 kB\n");
  analysis::ProcessData& p = b.process(7, "qemu-system-aarch64");
  p.has_status = p.has_rollup = true;
  p.rss = p.vm_rss = ByteCount(123456789);
  p.cmdline =
      "/usr/libexec/qemu-kvm -name guest=vm01,debug-threads=on -S -object " + std::string(300, 'x');
  nlohmann::json sources = nlohmann::json::array();
  for (int pid = 2; pid < 61; ++pid)
    sources.push_back({{"path", "proc/" + std::to_string(pid) + "/smaps_rollup"},
                       {"status", "absent"},
                       {"detail", "ESRCH: no address space (kernel thread or zombie)"}});
  sources.push_back({{"path", "proc/1/smaps"}, {"status", "denied"}, {"detail", "EACCES"}});
  b.d.index = {{"complete", true}, {"sources", sources}};
  report::Report r = analysis::analyze(b.d);
  REQUIRE(r.collection.missing.size() == 60);  // the JSON keeps every one
  std::string text = render(r, report::Format::kText);
  CHECK_THAT(text, Catch::Contains("59 kernel threads or zombies have no address space"));
  CHECK_THAT(text, !Catch::Contains("proc/10/smaps_rollup"));
  CHECK_THAT(text, Catch::Contains("proc/1/smaps"));
  CHECK(widestLine(text) <= 100);
  CHECK_THAT(text, Catch::Contains("/usr/libexec/qemu-kvm -name"));
  std::string wide = render(r, report::Format::kText, {0});
  CHECK(widestLine(wide) > 300);
  for (auto f : {report::Format::kMarkdown, report::Format::kHtml}) {
    std::string out = render(r, f);
    CHECK_THAT(out, Catch::Contains("59 kernel threads or zombies have no address space"));
    CHECK_THAT(out, !Catch::Contains("proc/10/smaps_rollup"));
  }
  CHECK(nlohmann::json::parse(render(r, report::Format::kJson))["collection"]["missing"].size() ==
        60);

  analysis::AnalyzeOptions none;
  none.top = 0;
  report::Report off = analysis::analyze(b.d, none);
  CHECK_THAT(render(off, report::Format::kText),
             Catch::Contains("Table turned off (--top 0): the bundle has 1 processes."));
}

TEST_CASE("the JSON schema rejects a missing or mistyped field", "[answers][schema]") {
  Bundle b;
  b.meminfo("MemTotal: 1048576 kB\nMemFree: 524288 kB\nActive(anon): 1024 kB\n");
  analysis::ProcessData& p = b.process(1, "init");
  p.has_status = true;
  report::Report r = analysis::analyze(b.d);
  const std::string good = render(r, report::Format::kJson);
  test::SchemaCheck ok = test::validateReportJson(good);
  INFO(ok.out);
  CHECK(ok.valid);

  nlohmann::json j = nlohmann::json::parse(good);
  j["anon"].erase("lru_anon_bytes");
  test::SchemaCheck missing = test::validateReportJson(j.dump());
  CHECK(!missing.valid);
  CHECK_THAT(missing.out, Catch::Contains("'lru_anon_bytes' is a required property"));

  j = nlohmann::json::parse(good);
  j["processes"][0]["pss_bytes"] = "0 B";
  test::SchemaCheck mistyped = test::validateReportJson(j.dump());
  CHECK(!mistyped.valid);
  CHECK_THAT(mistyped.out, Catch::Contains("processes/0/pss_bytes"));

  j = nlohmann::json::parse(good);
  j["host"]["byte_order"] = "little";
  CHECK(!test::validateReportJson(j.dump()).valid);
}

TEST_CASE("live: this machine's report is valid JSON by the schema and reconciles MemFree",
          "[answers][schema]") {
  test::requireRootWithPageFlags();
  test::TempDir dir;
  auto bundle = dir / "live.tar.zst";
  auto c = test::run((test::binDir() / "memsift-collect").string() +
                     " -q --no-nice --no-smaps -o " + bundle.string());
  INFO(c.out);
  REQUIRE(c.exit_code == 0);
  analysis::BundleData data = analysis::loadBundle(bundle.string());
  report::Report r = analysis::analyze(data);
  test::SchemaCheck schema = test::validateReportJson(render(r, report::Format::kJson));
  INFO(schema.out);
  CHECK(schema.valid);
  REQUIRE(r.free_memory);
  const report::FreeReconciliation& f = *r.free_memory;
  REQUIRE(f.frames_free);
  REQUIRE(!report::freeExplanation(f).empty());
  // Whatever the kernel, the report says how MemFree relates to the zones, and when it exceeds
  // them by more than the tolerance it names the zone that has memory present but not managed.
  std::string all;
  for (const auto& s : report::freeExplanation(f))
    all += s + "\n";
  INFO(all);
  CHECK_THAT(all, Catch::Contains("MemFree (") || Catch::Contains("The zones' free lists hold"));
  uint64_t zones_free = 0;
  for (const auto& z : f.zones) {
    zones_free += z.free.value();
    if (z.frames_free) CHECK(z.frames_free->value() <= z.present.value());
  }
  CHECK(zones_free * r.host.page_size == f.zones_free.value());
  if (f.free_beyond_zones > 0 && f.total_beyond_managed > 0 &&
      static_cast<uint64_t>(f.free_beyond_zones) > f.mem_free.value() / 100 + (4u << 20)) {
    CHECK_THAT(all, Catch::Contains("not yet handed to the buddy allocator"));
  }
}

TEST_CASE("the memory map is binned once, by the analysis, into at most kMaxMapCells cells",
          "[answers][map]") {
  Bundle b;
  b.meminfo("MemTotal: 4194304 kB\nMemFree: 1048576 kB\n");
  b.d.has_page_tables = true;
  b.d.census.emplace();
  // 20,000 census cells of anonymous memory: a host of 1.2 TiB with 4 KiB pages.
  const uint64_t cells = 20000;
  b.d.census->map_cells.assign(cells, frames::CategoryPages{});
  for (auto& c : b.d.census->map_cells)
    c[static_cast<size_t>(FrameCategory::kAnonMapped)] = frames::FrameCensus::kMapCellFrames;
  b.d.census->frames = PageCount(cells * frames::FrameCensus::kMapCellFrames);
  b.d.census->end_pfn = Pfn(cells * frames::FrameCensus::kMapCellFrames);
  analysis::AnalyzeOptions many;
  many.map_cells = cells;
  const report::Report r = analysis::analyze(b.d, many);
  REQUIRE(!r.memory_map.empty());
  CHECK(r.memory_map.size() <= report::kMaxMapCells);
  CHECK(r.memory_map.size() > report::kMaxMapCells / 2);
  uint64_t pages = 0;
  for (const report::MapCell& c : r.memory_map)
    pages += c.pages.value();
  CHECK(pages == cells * frames::FrameCensus::kMapCellFrames);
  // The default asks for fewer cells still.
  CHECK(analysis::analyze(b.d).memory_map.size() <= analysis::AnalyzeOptions{}.map_cells);
}
