// Snapshot series end to end on a generated root (memsift-testgen): memsift-collect --every
// --count writes series/K/ members, the loader gives one snapshot per moment with the final one
// from the ordinary members; SIGINT ends a series cleanly; damage inside the series keeps the
// snapshots before it. The root does not change while it is read, so every snapshot holds the
// same figures: what the series members give must equal what the ordinary members give.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "common/bundle/bundle_writer.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/members.h"
#include "tests/analyzer/generated_bundle.h"
#include "tests/test_support.h"

extern char** environ;

using namespace memsift;
using analysis::Snapshot;

namespace {

// Every figure a snapshot holds, against another snapshot's (of the same unchanging root).
void requireSameFigures(const Snapshot& a, const Snapshot& b) {
  REQUIRE(a.meminfo);
  REQUIRE(b.meminfo);
  CHECK(a.meminfo->get("MemTotal") == b.meminfo->get("MemTotal"));
  CHECK(a.meminfo->get("AnonPages") == b.meminfo->get("AnonPages"));
  CHECK(a.meminfo_text->text == b.meminfo_text->text);
  REQUIRE(a.cgroups.size() == b.cgroups.size());
  for (const analysis::SeriesCgroup& x : a.cgroups) {
    INFO(x.path);
    const analysis::SeriesCgroup* y = nullptr;
    for (const analysis::SeriesCgroup& c : b.cgroups)
      if (c.hierarchy == x.hierarchy && c.path == x.path) y = &c;
    REQUIRE(y != nullptr);
    CHECK(x.usage == y->usage);
    CHECK(x.stat_anon == y->stat_anon);
    CHECK(x.stat_file == y->stat_file);
    CHECK(x.stat_shmem == y->stat_shmem);
  }
  REQUIRE(a.processes.size() == b.processes.size());
  for (size_t i = 0; i < a.processes.size(); ++i) {
    const analysis::SeriesProcess &x = a.processes[i], &y = b.processes[i];
    INFO(x.pid);
    CHECK(x.pid == y.pid);
    CHECK(x.start_time == y.start_time);
    CHECK(x.comm == y.comm);
    CHECK(x.vm_rss == y.vm_rss);
    CHECK(x.rss_anon == y.rss_anon);
    CHECK(x.vm_pin == y.vm_pin);
    CHECK(x.pss == y.pss);
  }
}

}  // namespace

TEST_CASE("series: --every 0.2 --count 3 on a generated root, loaded as three snapshots",
          "[series]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string out = (dir / "s.tar.zst").string();
  auto r = test::run((test::binDir() / "memsift-collect").string() + " --root " + root +
                     " --every 0.2 --count 3 -o " + out + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("a series of 3 snapshots (of 3 requested), every 0.2 s") != std::string::npos);

  const analysis::BundleData d = analysis::loadBundle(out);
  CHECK(d.damage.empty());
  CHECK(d.collection_complete);
  CHECK(d.manifest["format"]["minor"] == 3);
  CHECK(d.manifest["options"]["every"] == 0.2);
  CHECK(d.manifest["options"]["count"] == 3);
  CHECK(d.index["series"] == nlohmann::json{{"snapshots", 3},
                                            {"requested", 3},
                                            {"every_seconds", 0.2},
                                            {"interrupted", false},
                                            {"wrapped", true}});
  REQUIRE(d.series);
  const analysis::SeriesData& s = *d.series;
  CHECK(s.every_seconds == 0.2);
  CHECK(s.count_requested == 3);
  CHECK_FALSE(s.interrupted);
  REQUIRE(s.snapshots.size() == 3);
  for (unsigned i = 0; i < 3; ++i) {
    CHECK(s.snapshots[i].seq == i + 1);
    CHECK(s.snapshots[i].unix_time);
  }
  CHECK(s.snapshots[0].seconds == 0);
  // 0.2 s apart by the schedule: a busy machine may start one late, never early.
  CHECK(s.snapshots[1].seconds >= 0.19);
  CHECK(s.snapshots[2].seconds >= s.snapshots[1].seconds + 0.05);
  CHECK(s.snapshots[2].seconds >= 0.39);
  CHECK(s.snapshots[2].seconds < 10);

  // The final snapshot is the ordinary members, as the rest of the analysis reads them.
  const Snapshot& last = s.snapshots.back();
  CHECK(last.final);
  CHECK_FALSE(s.snapshots[0].final);
  REQUIRE(last.meminfo);
  CHECK(last.meminfo->get("MemTotal") == d.meminfo->get("MemTotal"));
  CHECK(last.cgroups.size() == d.cgroups.size());
  size_t user_processes = 0;
  for (const analysis::ProcessData& p : d.processes)
    user_processes += p.kernel_thread ? 0 : 1;
  CHECK(last.processes.size() == user_processes);
  CHECK_FALSE(last.processes.empty());
  CHECK_FALSE(last.cgroups.empty());
  // And the cheap snapshots read the same files into the same figures.
  requireSameFigures(s.snapshots[0], last);
  requireSameFigures(s.snapshots[1], last);

  // Without the series, the same root gives no series and the same bundle otherwise: the
  // analysis of the series bundle's last moment is that of a bundle of one moment.
  const std::string one = (dir / "one.tar.zst").string();
  REQUIRE(
      test::run((test::binDir() / "memsift-collect").string() + " -q --root " + root + " -o " + one)
          .exit_code == 0);
  const analysis::BundleData o = analysis::loadBundle(one);
  CHECK_FALSE(o.series);
  CHECK_FALSE(o.manifest["options"].contains("every"));
  CHECK_FALSE(o.index.contains("series"));
  auto report = [&](const std::string& bundle) {
    auto rr = test::run((test::binDir() / "memsift").string() + " report " + bundle +
                        " -f json 2>/dev/null");
    nlohmann::json j = nlohmann::json::parse(rr.out);
    j.erase("bundle");  // file name, times and sizes differ
    return j["findings"].dump() + j["ledger"].dump();
  };
  CHECK(report(out) == report(one));
}

TEST_CASE("series: SIGINT ends a series of 100 early; the final collection is still taken",
          "[series]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string out = (dir / "s.tar.zst").string();
  const std::string collector = (test::binDir() / "memsift-collect").string();
  std::vector<std::string> args = {collector, "-q",      "--root", root, "--every",
                                   "0.2",     "--count", "100",    "-o", out};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(::posix_spawn(&pid, collector.c_str(), nullptr, nullptr, argv.data(), environ) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  REQUIRE(::kill(pid, SIGINT) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 6);  // interrupted, as the exit code table says

  const analysis::BundleData d = analysis::loadBundle(out);
  CHECK(d.damage.empty());
  CHECK(d.bundle_complete);
  CHECK(d.collection_complete);  // the final collection was not cut
  CHECK(d.has_page_tables);
  const nlohmann::json& rec = d.index["series"];
  CHECK(rec["interrupted"] == true);
  CHECK(rec["requested"] == 100);
  const unsigned taken = rec["snapshots"].get<unsigned>();
  CHECK(taken >= 3);
  CHECK(taken < 50);
  REQUIRE(d.series);
  CHECK(d.series->interrupted);
  REQUIRE(d.series->snapshots.size() == taken);
  CHECK(d.series->snapshots.back().seq == taken);
  CHECK(d.series->snapshots.back().meminfo);
}

TEST_CASE("series: a bundle cut inside a series member keeps the snapshots before it", "[series]") {
  test::TempDir dir;
  const std::string root = test::generateRoot(dir);
  const std::string out = (dir / "s.tar.zst").string();
  REQUIRE(test::run((test::binDir() / "memsift-collect").string() + " -q --root " + root +
                    " --every 0.05 --count 5 -o " + out)
              .exit_code == 0);
  // The tar stream (the wrappers' frames unwrapped: format 1.2's layout) cut in the middle of
  // snapshot 3's first process status, then compressed again: a bundle whose writer died there.
  std::filesystem::copy_file(out, dir / "s.raw");  // readFile() decompresses a .zst
  test::writeFile(dir / "unwrapped.tar.zst", test::unwrapSeries(test::readFile(dir / "s.raw")));
  const std::string tar = test::readFile(dir / "unwrapped.tar.zst");
  const std::string procs = bundle::members::seriesMember(3, "proc/");
  size_t header = tar.find(procs);
  while (header != std::string::npos &&
         (header % 512 != 0 ||
          !std::isdigit(static_cast<unsigned char>(tar[header + procs.size()])))) {
    header = tar.find(procs, header + 1);
  }
  REQUIRE(header != std::string::npos);
  const std::string victim = tar.substr(header, tar.find('\0', header) - header);
  REQUIRE(victim.ends_with("/status"));
  test::writeFile(dir / "cut.tar", std::string_view(tar).substr(0, header + 512 + 100));
  REQUIRE(test::run("zstd -q -f " + (dir / "cut.tar").string() + " -o " +
                    (dir / "cut.tar.zst").string())
              .exit_code == 0);

  const analysis::BundleData d = analysis::loadBundle((dir / "cut.tar.zst").string());
  bool named = false;
  for (const bundle::Damage& x : d.damage)
    named = named || (x.member == victim && x.kind == bundle::DamageKind::kTruncated);
  CHECK(named);
  REQUIRE(d.series);
  CHECK(d.series->interrupted);  // no index: the series did not end as meant
  // Snapshots 1 and 2 whole, 3 up to the cut; no final one (its members never came).
  REQUIRE(d.series->snapshots.size() == 3);
  CHECK(d.series->snapshots[0].seq == 1);
  CHECK(d.series->snapshots[2].seq == 3);
  CHECK_FALSE(d.series->snapshots[2].final);
  CHECK(d.series->snapshots[1].processes.size() == d.series->snapshots[0].processes.size());
  CHECK(d.series->snapshots[2].processes.empty());
  CHECK(d.series->snapshots[2].meminfo);
}

TEST_CASE("series: a snapshot without a readable record is left out, and so are its members",
          "[series]") {
  test::TempDir dir;
  const std::string path = (dir / "b.tar.zst").string();
  {
    bundle::OutputFile out(path);
    bundle::BundleWriter w(out, {});
    w.writeManifest({{"host", {{"hostname", "box"}, {"page_size", 4096}}},
                     {"options", {{"every", 1.5}, {"count", 4}, {"for", nullptr}}}});
    using bundle::members::seriesMember;
    auto snapshot = [&](unsigned seq, const std::string& record, const char* anon_kb) {
      w.addMember(seriesMember(seq, "snapshot.json"), record);
      w.addMember(seriesMember(seq, "proc/meminfo"),
                  std::string("MemTotal: 1000 kB\nAnonPages: ") + anon_kb + " kB\n");
      w.addMember(
          seriesMember(seq, "proc/7/status"),
          std::string("Name:\tleak\nVmRSS:\t") + anon_kb + " kB\nRssAnon:\t" + anon_kb + " kB\n");
      w.addMember(seriesMember(seq, "proc/7/stat"),
                  "7 (leak) S 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0\n");
      w.addMember(seriesMember(seq, "dev/kmsg"), "6,10,100,-;one\n SUBSYSTEM=x\n6,11,200,-;two\n");
    };
    snapshot(1, R"({"seq":1,"boottime_seconds":100.0,"unix_time":5,"final":false})", "10");
    snapshot(2, R"({"seq":2,"boottime_seconds":"late"})", "20");  // no time: left out
    snapshot(3, R"({"seq":3,"boottime_seconds":103.0,"unix_time":8,"final":false})", "30");
    w.addMember(seriesMember(4, "snapshot.json"),
                R"({"seq":4,"boottime_seconds":104.5,"unix_time":9,"final":true})");
    w.addMember("proc/meminfo", "MemTotal: 1000 kB\nAnonPages: 40 kB\n");
    w.addMember("proc/7/status", "Name:\tleak\nVmRSS:\t40 kB\nRssAnon:\t40 kB\n");
    w.addMember("dev/kmsg", "6,10,100,-;one\n6,11,200,-;two\n6,12,300,-;three\n");
    w.finish(
        true,
        {{"series",
          {{"snapshots", 4}, {"requested", 4}, {"every_seconds", 1.5}, {"interrupted", false}}}});
    out.commit();
  }
  const analysis::BundleData d = analysis::loadBundle(path);
  bool told = false;
  for (const bundle::Damage& x : d.damage)
    told = told || x.member == "series/2/snapshot.json";
  CHECK(told);
  REQUIRE(d.series);
  CHECK(d.series->every_seconds == 1.5);
  CHECK(d.series->count_requested == 4);
  CHECK_FALSE(d.series->interrupted);
  REQUIRE(d.series->snapshots.size() == 3);
  const auto& s = d.series->snapshots;
  CHECK(s[0].seq == 1);
  CHECK(s[1].seq == 3);
  CHECK(s[2].seq == 4);
  CHECK(s[1].seconds == Approx(3.0));
  CHECK(s[2].seconds == Approx(4.5));
  CHECK(s[2].unix_time == 9);
  for (size_t i = 0; i < 3; ++i) {
    INFO(i);
    REQUIRE(s[i].meminfo);
    REQUIRE(s[i].processes.size() == 1);
    CHECK(s[i].processes[0].pid == 7);
    CHECK(s[i].processes[0].comm == "leak");
  }
  CHECK(s[1].meminfo->get("AnonPages") == ByteCount(30 * 1024));  // not snapshot 2's 20
  CHECK(s[1].processes[0].rss_anon == ByteCount(30 * 1024));
  CHECK(s[1].processes[0].start_time == 4242u);
  CHECK(s[2].processes[0].rss_anon == ByteCount(40 * 1024));
  // Records, not lines (a continuation line belongs to its record); the final snapshot's are
  // those after the series' last sequence number.
  CHECK(s[0].kernel_log_records == 2);
  CHECK(s[2].kernel_log_records == 1);
}
