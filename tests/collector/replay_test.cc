// memsift-collect --root: replaying a system tree (testdata/roots/minimal plus generated page
// tables) must reproduce every file it reads byte for byte, and record what it could not read.
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "collector/host_facts.h"
#include "common/bundle/bundle_format.h"
#include "tests/collector/collector_test_util.h"

namespace memsift::test {
namespace {

namespace fs = std::filesystem;

// Two whole chunks and a part of a third, so chunk boundaries and the short tail are covered.
constexpr uint64_t kFrames = 2 * bundle::kPageChunkFrames + 300;

std::string runCollector(const std::string& args) {
  CommandResult r = run(collectorPath() + " --no-nice " + args);
  INFO(r.out);
  CHECK(r.exit_code == 0);
  return r.out;
}

// A replay root whose kpageflags is a FIFO: the test decides when (and whether) data comes.
// Returns the FIFO's path, shell-quoted.
std::string makeFifoRoot(const fs::path& root) {
  makeReplayRoot(root, 100);
  fs::remove(root / "proc/kpageflags");
  REQUIRE(::mkfifo((root / "proc/kpageflags").c_str(), 0600) == 0);
  return shellQuote((root / "proc/kpageflags").string());
}

// Nothing may be left under a temporary name.
void checkNoTemporaryFiles(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

uint64_t inodeOf(const fs::path& p) {
  struct stat st;
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_ino;
}

TEST_CASE("replay with --root reproduces every file byte for byte") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, kFrames);
  // A source larger than one part, a process that "exited" after /proc was listed (its
  // directory is there, its files are not), and a file outside what the collector reads.
  std::string big(bundle::kTextPartBytes + 100, 'x');
  for (size_t i = 0; i < big.size(); i += 64)
    big[i] = '\n';
  writeFile(root / "proc/43/stat", "43 (big) S\n");
  writeFile(root / "proc/43/smaps", big);
  fs::create_directories(root / "proc/4242");

  fs::path out = tmp / "b.tar.zst";
  // 64 KiB, not what the tree says (x86_64, KernelPageSize 4 kB): taken, with a warning each.
  std::string log = runCollector("-q --page-size 65536 --root " + shellQuote(root.string()) +
                                 " -o " + shellQuote(out.string()));
  CHECK(log ==
        "memsift-collect: warning: --page-size 65536, but the root says 4096 (proc/1/smaps "
        "KernelPageSize)\n"
        "memsift-collect: warning: --page-size 65536, but the root says 4096 "
        "(proc/sys/kernel/arch x86_64)\n");
  CHECK(verifyWithReader(out).empty());
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == true);

  // Every regular file of the tree is in the bundle, identical, except what is stored
  // differently on purpose: page tables (chunks) and memory blocks (memory-blocks.tsv).
  size_t compared = 0;
  for (const std::string& f : regularFiles(root)) {
    if (f.rfind("proc/kpage", 0) == 0) continue;
    if (f.rfind("sys/devices/system/memory/memory", 0) == 0) continue;
    INFO(f);
    REQUIRE(b.has(f));
    CHECK(b.text(f) == readFile(root / f));
    ++compared;
  }
  CHECK(compared > 60);
  CHECK(b.has("proc/43/smaps.part2"));
  CHECK(fs::file_size(b.dir / "proc/43/smaps") == bundle::kTextPartBytes);

  for (const char* t : {"kpageflags", "kpagecount", "kpagecgroup"}) {
    INFO(t);
    std::string table = b.pageTable(t);
    CHECK(table.size() == kFrames * 8);
    CHECK(table == readFile(root / "proc" / t));
  }
  CHECK(b.has("pageframes/0000000000040000/kpagecgroup"));
  CHECK(b.text("proc/meminfo.after") == readFile(root / "proc/meminfo"));
  CHECK(b.text("proc/vmstat.after") == readFile(root / "proc/vmstat"));

  // Sources: the vanished process, nothing in error.
  CHECK(b.sources("vanished") == std::vector<std::string>{"proc/4242"});
  CHECK(b.sources("error").empty());
  CHECK(b.sources("denied").empty());

  // Host facts come from the tree, not from the machine running the test.
  const auto& host = b.manifest.at("host");
  CHECK(host.at("hostname") == "replay-host");
  CHECK(host.at("kernel_release") ==
        readFile(root / "proc/sys/kernel/osrelease")
            .substr(0, readFile(root / "proc/sys/kernel/osrelease").size() - 1));
  CHECK(host.at("page_size") == 65536);
  CHECK(host.at("page_size_source") == "--page-size");
  CHECK(host.at("byte_order") == "little");
  CHECK(b.manifest.at("options").at("page_size") == 65536);

  // Memory cgroups: both hierarchies, the mount point unescaped, inodes from stat(2).
  const auto& cg = b.manifest.at("memory_cgroups");
  REQUIRE(cg.at("hierarchies").size() == 2);
  CHECK(cg.at("hierarchies")[0].at("mount_point") == "/sys/fs/cgroup/memory");
  CHECK(cg.at("hierarchies")[0].at("version") == 1);
  CHECK(cg.at("hierarchies")[1].at("mount_point") == "/sys/fs/cgroup/uni fied");
  CHECK(cg.at("kpagecgroup_hierarchy") == 0);
  std::string map = b.text("cgroups.tsv");
  CHECK(map.rfind("hierarchy\tino\tpath\n", 0) == 0);
  auto row = [](int h, uint64_t ino, const std::string& path) {
    return std::to_string(h) + "\t" + std::to_string(ino) + "\t" + path + "\n";
  };
  CHECK(map.find(row(0, inodeOf(root / "sys/fs/cgroup/memory"), "/")) != std::string::npos);
  CHECK(map.find(row(0, inodeOf(root / "sys/fs/cgroup/memory/app"), "/app")) != std::string::npos);
  CHECK(map.find(row(1, inodeOf(root / "sys/fs/cgroup/uni fied"), "/")) != std::string::npos);

  std::string blocks = b.text("memory-blocks.tsv");
  CHECK(blocks.find("block\tstate\tnode\tvalid_zones\n") == 0);
  CHECK(blocks.find("0\tonline\t0\tDMA32 Normal\n") != std::string::npos);
  CHECK(blocks.find("1\toffline\t-\tnone\n") != std::string::npos);
}

TEST_CASE("a second replay of the same tree gives the same members") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 1000);
  std::string base = "-q --root " + shellQuote(root.string()) + " -o ";
  runCollector(base + shellQuote((tmp / "1.tar.zst").string()));
  runCollector(base + shellQuote((tmp / "2.tar.zst").string()));
  ExtractedBundle a = extractBundle(tmp / "1.tar.zst", tmp / "a");
  ExtractedBundle b = extractBundle(tmp / "2.tar.zst", tmp / "b");
  // The manifest records when each run started (to the second): everything else is the same.
  for (ExtractedBundle* e : {&a, &b}) {
    e->manifest["host"].erase("start_time_utc");
    e->manifest["host"].erase("start_time_unix");
    auto& members = e->index.at("members");
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [](const auto& m) { return m.at("name") == "manifest.json"; }),
                  members.end());
  }
  CHECK(a.manifest == b.manifest);
  CHECK(a.index.at("members") == b.index.at("members"));
  CHECK(a.index.at("members").size() > 20);
}

TEST_CASE("page tables shorter or missing are recorded, not repaired") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, bundle::kPageChunkFrames + 10);
  writePageTable(root / "proc/kpagecount", 1, 5000);  // ends early
  fs::remove(root / "proc/kpagecgroup");              // a kernel without CONFIG_MEMCG
  {
    std::ofstream f(root / "proc/kpageflags", std::ios::binary | std::ios::app);
    f.write("abc", 3);  // not a whole frame
  }
  fs::path out = tmp / "b.tar.zst";
  runCollector("-q --root " + shellQuote(root.string()) + " -o " + shellQuote(out.string()));
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.pageTable("kpageflags").size() == (bundle::kPageChunkFrames + 10) * 8);
  CHECK(b.pageTable("kpagecount") == readFile(root / "proc/kpagecount"));
  CHECK(b.pageTable("kpagecgroup").empty());
  std::vector<std::string> absent = b.sources("absent");
  CHECK(std::count(absent.begin(), absent.end(), "proc/kpagecgroup") == 1);
  std::vector<std::string> truncated = b.sources("truncated");
  CHECK(truncated == std::vector<std::string>{"proc/kpagecount", "proc/kpageflags"});
  CHECK(b.detail("proc/kpagecount") == "ends at PFN 0x1388, before proc/kpageflags");
  CHECK(b.detail("proc/kpageflags") == "3 trailing bytes after PFN 0x2000a are not a whole frame");
  CHECK(b.index.at("complete") == true);
  // The collector's own memory is not on a copied tree's LRU: no peak RSS to widen bounds by.
  CHECK(!b.index.at("collection").contains("own_peak_rss_bytes"));
}

TEST_CASE(
    "two page-table readers (--jobs 2: the upper half of each chunk read by a second thread) "
    "store what one stores, ends and damage included") {
  TempDir tmp;
  fs::path root = tmp / "root";
  // Three chunks and a bit, a kpagecount that ends inside the second chunk's upper half, and a
  // kpageflags with a tail that is not a whole frame.
  const uint64_t frames = 3 * bundle::kPageChunkFrames + 1001;
  makeReplayRoot(root, frames);
  writePageTable(root / "proc/kpagecount", 1, bundle::kPageChunkFrames + 100000);
  {
    std::ofstream f(root / "proc/kpageflags", std::ios::binary | std::ios::app);
    f.write("abc", 3);
  }
  std::vector<ExtractedBundle> bundles;
  for (const char* jobs : {"1", "2"}) {
    fs::path out = tmp / (std::string(jobs) + ".tar.zst");
    runCollector("-q --jobs " + std::string(jobs) + " --root " + shellQuote(root.string()) +
                 " -o " + shellQuote(out.string()));
    CHECK(verifyWithReader(out).empty());
    bundles.push_back(extractBundle(out, tmp / jobs));
  }
  for (const char* table : {"kpageflags", "kpagecount", "kpagecgroup"}) {
    CAPTURE(table);
    CHECK(bundles[0].pageTable(table) == bundles[1].pageTable(table));
    CHECK(bundles[1].pageTable(table) ==
          readFile(root / "proc" / table)
              .substr(0, std::string(table) == "kpageflags" ? frames * 8 : std::string::npos));
  }
  CHECK(bundles[0].index.at("sources") == bundles[1].index.at("sources"));
  CHECK(bundles[1].detail("proc/kpagecount") == "ends at PFN 0x386a0, before proc/kpageflags");
  // Every member but the manifest, which records when each run started, is the same.
  for (ExtractedBundle& b : bundles) {
    auto& members = b.index.at("members");
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [](const auto& m) { return m.at("name") == "manifest.json"; }),
                  members.end());
  }
  CHECK(bundles[0].index.at("members") == bundles[1].index.at("members"));
}

TEST_CASE("a dry run (--dry-run) lists sources and writes nothing") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  fs::create_directories(tmp / "out");
  CommandResult r =
      run("cd " + shellQuote((tmp / "out").string()) + " && " + collectorPath() +
          " --dry-run --no-nice --root " + shellQuote(root.string()) + " -o b.tar.zst");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(fs::is_empty(tmp / "out"));
  CHECK(r.out.find("read      proc/meminfo\n") != std::string::npos);
  CHECK(r.out.find("read      proc/42/smaps\n") != std::string::npos);
  CHECK(r.out.find("pageframes/*/kpageflags") != std::string::npos);
  CHECK(r.out.find("vanished") == std::string::npos);
  CHECK(r.out.find("nothing was read or written") != std::string::npos);
}

TEST_CASE("the deadline (--max-seconds) stops cleanly with an incomplete bundle") {
  TempDir tmp;
  fs::path root = tmp / "root";
  // A kpageflags that never ends: a FIFO fed slowly, so the deadline falls inside the tables.
  std::string fifo = makeFifoRoot(root);
  fs::path out = tmp / "b.tar.zst";
  CommandResult r =
      run("(while :; do head -c 8192 /dev/zero || exit; sleep 0.05; done >" + fifo +
          " 2>/dev/null &) ; start=$(date +%s%N); " + collectorPath() +
          " --no-nice -q --max-seconds 1 --root " + shellQuote(root.string()) + " -o " +
          shellQuote(out.string()) + "; echo rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))");
  INFO(r.out);
  CHECK(r.out.find("rc=4 ") != std::string::npos);
  long ms = std::stol(r.out.substr(r.out.find("ms=") + 3));
  CHECK(ms < 4000);
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == false);
  CHECK(b.index.at("collection").at("stopped") == "--max-seconds 1");
  CHECK(b.detail("proc/kpageflags").rfind("--max-seconds 1: stopped at PFN 0x", 0) == 0);
  // Nothing is read after the stop, not even the small "after" copies.
  CHECK(b.sources("timeout") ==
        std::vector<std::string>{"proc/meminfo.after", "proc/vmstat.after", "proc"});
  CHECK(b.detail("proc") == "not reached: --max-seconds 1");
  CHECK(b.has("proc/meminfo"));
  CHECK(verifyWithReader(out).empty());
  CHECK(regularFiles(tmp / "x").size() > 5);
  checkNoTemporaryFiles(tmp.path());
}

// Shell commands that start the collector on a FIFO root in the background ($pid) and return
// once it reads the page tables, blocked in read(2): opening the FIFO for writing waits until
// the collector opens it, then it gets some data and none after.
std::string startBlockedOnFifo(const fs::path& root, const std::string& fifo, const fs::path& out) {
  return collectorPath() + " --no-nice -q --root " + shellQuote(root.string()) + " -o " +
         shellQuote(out.string()) + " & pid=$!; exec 3>" + fifo +
         "; head -c 100000 /dev/zero >&3; sleep 0.3; ";
}

TEST_CASE("SIGTERM mid-collection finishes an incomplete bundle, exit 6") {
  TempDir tmp;
  fs::path root = tmp / "root";
  std::string fifo = makeFifoRoot(root);
  fs::path out = tmp / "b.tar.zst";
  CommandResult r =
      run(startBlockedOnFifo(root, fifo, out) + "kill -TERM $pid; wait $pid; echo rc=$?");
  INFO(r.out);
  CHECK(r.out.find("rc=6") != std::string::npos);
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == false);
  CHECK(b.index.at("collection").at("stopped") == "SIGTERM");
  CHECK(b.detail("proc/kpageflags") == "SIGTERM: stopped at PFN 0x0");
  CHECK(b.sources("truncated") == std::vector<std::string>{"proc/kpageflags", "proc/kpagecount",
                                                           "proc/kpagecgroup", "proc/meminfo.after",
                                                           "proc/vmstat.after", "proc"});
  CHECK(b.detail("proc") == "not reached: SIGTERM");
  CHECK(b.pageTable("kpageflags").empty());  // the cut chunk is dropped whole
  CHECK(verifyWithReader(out).empty());
  checkNoTemporaryFiles(tmp.path());
}

TEST_CASE("a second signal removes the temporary file and exits at once, exit 6") {
  TempDir tmp;
  fs::path root = tmp / "root";
  std::string fifo = makeFifoRoot(root);
  fs::path out = tmp / "b.tar.zst";
  // Stopped, the collector gets SIGTERM and SIGINT as two pending signals; on SIGCONT the kernel
  // delivers both before it runs again, so one handler finds the other's signal already set:
  // the second-signal path, whichever of the two the kernel delivers first.
  CommandResult r = run(startBlockedOnFifo(root, fifo, out) +
                        "kill -STOP $pid; kill -TERM $pid; kill -INT $pid; kill -CONT $pid;"
                        " wait $pid; echo rc=$?");
  INFO(r.out);
  CHECK(r.out.find("rc=6") != std::string::npos);
  CHECK_FALSE(fs::exists(out));       // no bundle was finished ...
  checkNoTemporaryFiles(tmp.path());  // ... and none is left half written
}

TEST_CASE("an unusable --root or output is an error with its exit code") {
  TempDir tmp;
  CommandResult r = run(collectorPath() + " --no-nice --root /nonexistent-memsift -o " +
                        shellQuote((tmp / "b.tar.zst").string()));
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("memsift-collect: cannot open the system root /nonexistent-memsift") !=
        std::string::npos);
  fs::path root = tmp / "root";
  makeReplayRoot(root, 10);
  r = run(collectorPath() + " --no-nice --root " + shellQuote(root.string()) +
          " -o /nonexistent-memsift/b.tar.zst");
  INFO(r.out);
  CHECK(r.exit_code == 5);
  r = run(collectorPath() + " --level 40");
  CHECK(r.exit_code == 2);
  CHECK(r.out == "memsift-collect: --level 40: zstd levels are 1 to 19\n");
  // A device that fails is named, not called standard output.
  if (fs::exists("/dev/full")) {
    r = run(collectorPath() + " --no-nice -q --root " + shellQuote(root.string()) +
            " -o /dev/full");
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.out, Catch::Contains("cannot write /dev/full: No space left on device"));
  }
}

TEST_CASE("a directory without proc/meminfo is not a system root: exit 3, no bundle") {
  TempDir tmp;
  fs::create_directories(tmp / "empty");
  CommandResult r =
      run(collectorPath() + " --no-nice -q --page-size 4096 --root " +
          shellQuote((tmp / "empty").string()) + " -o " + shellQuote((tmp / "b.tar.zst").string()));
  INFO(r.out);
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.out, Catch::Contains((tmp / "empty").string() + " is not a system root: " +
                                    (tmp / "empty/proc/meminfo").string() +
                                    ": No such file or directory"));
  CHECK_FALSE(fs::exists(tmp / "b.tar.zst"));
  checkNoTemporaryFiles(tmp.path());
}

TEST_CASE(
    "output: -o onto an existing file is refused without --force (exit 2), replaced with it") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 10);
  const fs::path out = tmp / "b.tar.zst";
  writeFile(out, "an earlier bundle");
  const std::string cmd = collectorPath() + " --no-nice -q --root " + shellQuote(root.string()) +
                          " -o " + shellQuote(out.string());
  CommandResult r = run(cmd);
  CHECK(r.exit_code == 2);
  CHECK(r.out == "memsift-collect: " + out.string() +
                     " already exists: give another -o, or --force to replace it\n");
  std::ifstream kept(out, std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(kept), {}) == "an earlier bundle");
  r = run(cmd + " --force");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(verifyWithReader(out).empty());
  checkNoTemporaryFiles(tmp.path());
  // A bare word is a usage error before anything is read or written.
  r = run("cd " + shellQuote(tmp.path().string()) + " && " + collectorPath() +
          " --no-nice -q --root " + shellQuote(root.string()) + " out.tar.zst");
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("unexpected argument 'out.tar.zst'"));
  for (const auto& e : fs::directory_iterator(tmp.path()))
    CHECK(e.path().filename().string().rfind("memsift-", 0) == std::string::npos);
}

TEST_CASE("byte order of the names the kernel gives architectures") {
  CHECK(collector::byteOrderOfArch("s390x") == "big");
  CHECK(collector::byteOrderOfArch("ppc64") == "big");
  CHECK(collector::byteOrderOfArch("ppc64le") == "little");
  CHECK(collector::byteOrderOfArch("aarch64") == "little");
  CHECK(collector::byteOrderOfArch("x86_64") == "little");
  CHECK(collector::byteOrderOfArch("mips").empty());  // both orders use the name
  CHECK(collector::byteOrderOfArch("").empty());
}

TEST_CASE(
    "a tree read with --root: the byte order comes from --byte-order, else the tree's arch, else "
    "assumed") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  auto manifestOf = [&](const std::string& args, std::string* log = nullptr) {
    fs::path out = tmp / "b.tar.zst";
    fs::remove(out);
    std::string l = runCollector("--root " + shellQuote(root.string()) + " -o " +
                                 shellQuote(out.string()) + " " + args);
    if (log) *log = l;
    return extractBundle(out, tmp / "x").manifest;
  };
  auto host = [](const nlohmann::json& m) {
    return m.at("host").at("byte_order").get<std::string>() + " from " +
           m.at("host").at("byte_order_source").get<std::string>();
  };
  // The tree says x86_64; the analysing machine's order is not taken on trust.
  CHECK(host(manifestOf("-q")) == "little from proc/sys/kernel/arch");
  writeFile(root / "proc/sys/kernel/arch", "s390x\n");
  CHECK(host(manifestOf("-q")) == "big from proc/sys/kernel/arch");
  nlohmann::json m = manifestOf("-q --byte-order little");
  CHECK(host(m) == "little from --byte-order");
  CHECK(m.at("options").at("byte_order") == "little");
  // No arch file (kernels before 5.x): this machine's order, said in the manifest and on stderr.
  fs::remove(root / "proc/sys/kernel/arch");
  std::string log;
  m = manifestOf("", &log);
  CHECK(m.at("host").at("byte_order_source") == "assumed: this machine's");
  CHECK_THAT(log, Catch::Contains("--byte-order big|little"));
  CHECK(host(manifestOf("-q --byte-order big")) == "big from --byte-order");
}

TEST_CASE("a copied tree: --cgroup-inodes replaces the copy's directory inodes in cgroups.tsv") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  // The memory hierarchy's root and one child listed; the rest is not.
  writeFile(tmp / "inodes",
            "1\t/sys/fs/cgroup/memory/\n4242\t/sys/fs/cgroup/memory/app\n"
            "77\t/sys/fs/cgroup/elsewhere\n");
  fs::path out = tmp / "b.tar.zst";
  std::string log =
      runCollector("--root " + shellQuote(root.string()) + " --cgroup-inodes " +
                   shellQuote((tmp / "inodes").string()) + " -o " + shellQuote(out.string()));
  CHECK_THAT(log, Catch::Contains("1 of the 3 paths in --cgroup-inodes name no memory cgroup"));
  ExtractedBundle b = extractBundle(out, tmp / "x");
  std::string map = b.text("cgroups.tsv");
  CHECK(map.find("0\t1\t/\n") != std::string::npos);
  CHECK(map.find("0\t4242\t/app\n") != std::string::npos);
  CHECK(map.find(std::string("\t").append(
            std::to_string(inodeOf(root / "sys/fs/cgroup/memory/app")))) == std::string::npos);
  CHECK(b.manifest.at("memory_cgroups")
            .at("inodes_from")
            .get<std::string>()
            .rfind("--cgroup-inodes ", 0) == 0);
  // Every other directory: inode 0 and a source entry.
  CHECK(map.find("\t0\t/") != std::string::npos);
  CHECK(!b.sources("absent").empty());
}

TEST_CASE("a cgroup named with bytes that are not UTF-8 makes a genuine bundle, read exactly") {
  // A cgroup directory is named by whoever creates it; Linux allows any byte but '/' and NUL.
  // index.json records such names exactly (name_bytes), so the reader finds every member: the
  // bundle was read as damaged before ("members listed in index.json are missing", exit 4).
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  const std::string odd = "\xff\xfe";
  fs::path cg = root / "sys/fs/cgroup/memory" / odd;
  fs::create_directories(cg);
  for (const auto& e : fs::directory_iterator(root / "sys/fs/cgroup/memory/app"))
    fs::copy(e.path(), cg / e.path().filename());

  fs::path out = tmp / "b.tar.zst";
  runCollector("-q --root " + shellQuote(root.string()) + " -o " + shellQuote(out.string()));
  CHECK(verifyWithReader(out).empty());
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.has("sys/fs/cgroup/memory/" + odd + "/memory.stat"));
  CHECK(b.text("cgroups.tsv").find("\t/" + odd + "\n") != std::string::npos);

  for (const char* cmd : {"list", "info", "report"}) {
    CommandResult r = run((binDir() / "memsift").string() + " " + cmd + " " + out.string());
    INFO(cmd << ": " << r.out);
    // The minimal root's few frames cannot hold its MemTotal: the report is PARTIAL for that
    // (page-size-mismatch, exit 4), never for damage: no member may be missing.
    CHECK(r.exit_code == (std::string_view(cmd) == "report" ? 4 : 0));
    CHECK(r.out.find("listed in index.json") == std::string::npos);
  }
  // Shown escaped, never raw.
  CommandResult r = run((binDir() / "memsift").string() + " list " + out.string());
  CHECK(r.out.find("sys/fs/cgroup/memory/\\xff\\xfe/memory.stat") != std::string::npos);
}

TEST_CASE("the descriptor census: pipes, io_uring with its fdinfo, VFIO; link targets only") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 64);
  fs::create_directories(root / "proc/42/fd");
  fs::create_symlink("/dev/null", root / "proc/42/fd/0");
  fs::create_symlink("pipe:[5]", root / "proc/42/fd/1");
  fs::create_symlink("anon_inode:[io_uring]", root / "proc/42/fd/3");
  fs::create_symlink("/dev/vfio/7", root / "proc/42/fd/4");
  fs::create_symlink("/home/customer/secret.db", root / "proc/42/fd/5");
  const std::string fdinfo =
      readFile(sourceDir() / "testdata/captured/x86_64-6.18/proc_pid_fdinfo_io_uring");
  writeFile(root / "proc/42/fdinfo/3", fdinfo);
  writeFile(root / "proc/42/fdinfo/5", "pos:\t0\n");
  fs::path out = tmp / "b.tar.zst";
  runCollector("-q --root " + shellQuote(root.string()) + " -o " + shellQuote(out.string()));
  ExtractedBundle b = extractBundle(out, tmp / "x");
  const std::string table = b.text("process-fds.tsv");
  INFO(table);
  CHECK(table.rfind("pid\tfds\tpipes\tio_uring\tvfio\trdma\tnote\n", 0) == 0);
  CHECK(table.find("\n42\t5\t1\t3\t4\t\t\n") != std::string::npos);
  // A process of the tree without an fd directory: said, not invented.
  CHECK(table.find("\n1\t0\t0\t\t\t\tENOENT") != std::string::npos);
  CHECK(b.text("proc/42/fdinfo/3") == fdinfo);
  CHECK(!b.has("proc/42/fdinfo/5"));  // only io_uring instances' fdinfo
  CHECK(table.find("secret") == std::string::npos);
}

}  // namespace
}  // namespace memsift::test
