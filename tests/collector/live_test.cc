// memsift-collect on this machine: as root (every source, lossless page tables), as nobody
// (denials recorded, still a bundle), with processes dying under it, out of disk space, and
// inside a 32 MiB memory cgroup. Root-only cases skip elsewhere, saying why.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/collector/collector_test_util.h"

namespace memsift::test {
namespace {

namespace fs = std::filesystem;

void requireRoot() {
  if (geteuid() != 0) skipTest("needs root (run the test suite as root to cover this)");
}

// Size of a /proc page table, read to its end the way the kernel allows (multiples of 8).
uint64_t procTableSize(const char* name) {
  CommandResult r = run(std::string("dd if=/proc/") + name + " bs=1M 2>/dev/null | wc -c");
  REQUIRE(r.exit_code == 0);
  return std::stoull(r.out);
}

TEST_CASE("live collection as root captures every source losslessly") {
  requireRootWithPageFlags();
  TempDir tmp;
  fs::path out = tmp / "live.tar.zst";
  CommandResult r = run(collectorPath() + " -o " + shellQuote(out.string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("memsift-collect: wrote " + out.string()) != std::string::npos);
  CHECK(run("tar --zstd -tf " + shellQuote(out.string()) + " >/dev/null").exit_code == 0);
  CHECK(verifyWithReader(out).empty());
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == true);
  CHECK(b.sources("error").empty());
  // Its own peak RSS, by which the analyzer widens counters-disagree's bound (its buffers are
  // anonymous LRU pages the scan counts): a static collector reading tables uses a few MiB.
  const auto& rss = b.index.at("collection").at("own_peak_rss_bytes");
  REQUIRE(rss.is_number_unsigned());
  CHECK(rss.get<uint64_t>() > (1u << 20));
  CHECK(rss.get<uint64_t>() < (256u << 20));
  // Kernel threads (kthreadd is PID 2) have no address space: told apart from missing data.
  CHECK(r.out.find("processes without an address space (kernel threads)") != std::string::npos);
  CHECK(b.detail("proc/2/smaps_rollup") == "ESRCH: no address space (kernel thread or zombie)");
  CHECK(r.out.find("proc/2/smaps_rollup") == std::string::npos);

  // The system sources the issue lists, present on this host's kernel.
  for (const char* m : {"proc/meminfo",
                        "proc/vmstat",
                        "proc/zoneinfo",
                        "proc/buddyinfo",
                        "proc/pagetypeinfo",
                        "proc/slabinfo",
                        "proc/vmallocinfo",
                        "proc/iomem",
                        "proc/swaps",
                        "proc/cmdline",
                        "proc/version",
                        "proc/uptime",
                        "proc/loadavg",
                        "proc/sys/kernel/osrelease",
                        "proc/sys/kernel/hostname",
                        "proc/sys/kernel/arch",
                        "proc/self/mountinfo",
                        "proc/meminfo.after",
                        "proc/vmstat.after",
                        "sys/kernel/mm/transparent_hugepage/enabled",
                        "sys/kernel/mm/transparent_hugepage/khugepaged/pages_collapsed",
                        "sys/devices/system/node/node0/meminfo",
                        "sys/devices/system/node/node0/numastat",
                        "sys/devices/system/node/node0/vmstat",
                        "sys/devices/system/memory/block_size_bytes",
                        "memory-blocks.tsv",
                        "cgroups.tsv",
                        "dev/kmsg"}) {
    INFO(m);
    CHECK(b.has(m));
  }
  CHECK(b.text("dev/kmsg").size() > 100);
  for (const auto& e : fs::directory_iterator("/sys/kernel/mm/hugepages")) {
    CHECK(b.has("sys/kernel/mm/hugepages/" + e.path().filename().string() + "/nr_hugepages"));
  }

  // Page tables: reassembled, exactly as long as the kernel's.
  uint64_t flags_size = procTableSize("kpageflags");
  CHECK(flags_size > 0);
  for (const char* t : {"kpageflags", "kpagecount", "kpagecgroup"}) {
    INFO(t);
    CHECK(b.pageTable(t).size() == flags_size);
  }
  CHECK(b.index.at("collection").at("page_frames") == flags_size / 8);

  // Memory cgroups: this host mounts the v1 memory controller; its root is in the map.
  const auto& cg = b.manifest.at("memory_cgroups");
  REQUIRE(cg.at("kpagecgroup_hierarchy").is_number());
  int h = cg.at("kpagecgroup_hierarchy");
  std::string mount = cg.at("hierarchies")[static_cast<size_t>(h)].at("mount_point");
  struct stat st;
  REQUIRE(::stat(mount.c_str(), &st) == 0);
  CHECK(
      b.text("cgroups.tsv").find(std::to_string(h) + "\t" + std::to_string(st.st_ino) + "\t/\n") !=
      std::string::npos);
  CHECK(b.has(mount.substr(1) + "/memory.stat"));

  // Processes: this test's own process is there with all its files.
  std::string self = "proc/" + std::to_string(getpid()) + "/";
  for (const char* f : {"status", "stat", "statm", "cmdline", "comm", "cgroup", "oom_score_adj",
                        "maps", "smaps_rollup", "smaps"}) {
    INFO(self + f);
    CHECK(b.has(self + f));
  }
  CHECK(b.text(self + "smaps").find("Rss:") != std::string::npos);
  CHECK(b.manifest.at("host").at("page_size") == sysconf(_SC_PAGESIZE));
}

TEST_CASE("unprivileged collection records denials and still succeeds") {
  requireRoot();
  if (run("command -v setpriv").exit_code != 0) skipTest("setpriv is not installed");
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::all);
  fs::path out = tmp / "nobody.tar.zst";
  CommandResult r = run("cd " + shellQuote(tmp.path().string()) +
                        " && setpriv --reuid=nobody --regid=nogroup --clear-groups " +
                        collectorPath() + " -o " + shellQuote(out.string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("run memsift-collect as root to capture them") != std::string::npos);
  CHECK(verifyWithReader(out).empty());
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == true);
  CHECK(b.manifest.at("collector").at("euid") != 0);
  std::vector<std::string> denied = b.sources("denied");
  for (const char* s : {"proc/kpageflags", "proc/kpagecount", "proc/kpagecgroup"}) {
    INFO(s);
    CHECK(std::find(denied.begin(), denied.end(), s) != denied.end());
  }
  CHECK(b.detail("proc/kpageflags") == "EACCES (Permission denied)");
  CHECK(b.pageTable("kpageflags").empty());
  CHECK(b.sources("error").empty());
  CHECK(b.has("proc/meminfo"));
  CHECK(b.has("proc/1/status"));
}

TEST_CASE("processes dying during collection are recorded as vanished, not errors") {
  requireRoot();
  TempDir tmp;
  // A churn of short-lived processes: each lives a few milliseconds, so many are listed in
  // /proc and gone by the time their files are opened.
  fs::path stop_file = tmp / "stop";
  // It also ends when the temporary directory goes away: a failed REQUIRE below never writes
  // the stop file, and the churn must not outlive the test.
  std::string churn = "while [ -d " + shellQuote(tmp.path().string()) + " ] && [ ! -e " +
                      shellQuote(stop_file.string()) +
                      " ]; do for i in 1 2 3 4 5 6 7 8; do sleep 0.00$i & done; wait; done";
  CommandResult bg = run("(" + churn + ") >/dev/null 2>&1 & echo $!");
  bool saw_vanished = false;
  for (int attempt = 0; attempt < 10 && !saw_vanished; ++attempt) {
    fs::path out = tmp / ("churn" + std::to_string(attempt) + ".tar.zst");
    CommandResult r = run(collectorPath() + " -q --no-page-tables -o " + shellQuote(out.string()));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    ExtractedBundle b = extractBundle(out, tmp / std::string("x").append(std::to_string(attempt)));
    CHECK(b.sources("error").empty());
    CHECK(b.index.at("complete") == true);
    for (const std::string& v : b.sources("vanished")) {
      CHECK(v.rfind("proc/", 0) == 0);
      saw_vanished = true;
    }
  }
  writeFile(stop_file, "");
  run("wait");
  CHECK(saw_vanished);
}

TEST_CASE("a full disk removes the partial file and exits 5") {
  requireRoot();
  TempDir tmp;
  fs::path mnt = tmp / "small";
  fs::create_directories(mnt);
  if (::mount("memsift-test", mnt.c_str(), "tmpfs", 0, "size=1m") != 0) {
    skipTest("cannot mount a tmpfs here");
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  // A root whose bundle cannot fit in 1 MiB: 4 MiB of incompressible text.
  fs::path root = tmp / "root";
  makeReplayRoot(root, 1000);
  REQUIRE(run("head -c 3000000 /dev/urandom | base64 > " +
              shellQuote((root / "proc/42/smaps").string()))
              .exit_code == 0);
  CommandResult r = run(collectorPath() + " --no-nice --root " + shellQuote(root.string()) +
                        " -o " + shellQuote((mnt / "b.tar.zst").string()));
  INFO(r.out);
  CHECK(r.exit_code == 5);
  CHECK(r.out.find("No space left on device") != std::string::npos);
  CHECK(r.out.find("no bundle was written (the partial file was removed)") != std::string::npos);
  CHECK(fs::is_empty(mnt));
}

TEST_CASE("collection completes inside a 32 MiB memory cgroup") {
  requireRootWithPageFlags();
  // Under ASan the cap would measure ASan's shadow pages, redzones and 256 MiB quarantine, not the
  // collector: a killed run there says nothing about memsift (it failed CI by chance twice). The
  // normal build's collector is the static binary that customers run, and it is checked here.
  if (kSanitizerBuild) {
    skipTest(
        "the 32 MiB cap measures ASan's own memory in the sanitizer build; the normal build "
        "checks it");
  }
  std::string cg;
  std::string limit_file;
  std::string limit;
  if (fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
    cg = "/sys/fs/cgroup/memory/memsift-test-" + std::to_string(getpid());
    limit_file = "memory.limit_in_bytes";
    limit = std::to_string(32 << 20);
  } else if (fs::exists("/sys/fs/cgroup/cgroup.controllers")) {
    cg = "/sys/fs/cgroup/memsift-test-" + std::to_string(getpid());
    limit_file = "memory.max";
    limit = std::to_string(32 << 20);
  } else {
    skipTest("no memory cgroup hierarchy mounted");
  }
  REQUIRE(fs::create_directory(cg));
  struct Remove {
    std::string p;
    ~Remove() { ::rmdir(p.c_str()); }
  } remove{cg};
  writeFile(cg + "/" + limit_file, limit);
  if (fs::exists(cg + "/memory.memsw.limit_in_bytes")) {
    writeFile(cg + "/memory.memsw.limit_in_bytes", limit);  // no escape into swap either
  }
  TempDir tmp;
  fs::path out = tmp / "capped.tar.zst";
  // The shell joins the cgroup, then becomes the collector: everything it allocates, and the
  // page cache of the file it writes, is charged there.
  CommandResult r = run("sh -c 'echo $$ > " + cg + "/cgroup.procs && exec " + collectorPath() +
                        " -q -o " + shellQuote(out.string()) + "'");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  ExtractedBundle b = extractBundle(out, tmp / "x");
  CHECK(b.index.at("complete") == true);
  CHECK(b.pageTable("kpageflags").size() == procTableSize("kpageflags"));
  if (fs::exists(cg + "/memory.failcnt")) {
    INFO("failcnt " << readFile(cg + "/memory.failcnt"));
  }
}

}  // namespace
}  // namespace memsift::test
