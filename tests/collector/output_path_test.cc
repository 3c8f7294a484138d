// memsift-collect -o: the collector runs as root, often in a folder others can write to, under a
// predictable default name. A symbolic link planted at the output name must never be followed (it
// could point at a disk or a FIFO), block devices and folders are refused, and what is given
// directly (-o -, -o /dev/null, a FIFO with a reader) keeps working.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/collector/collector_test_util.h"

namespace memsift::test {
namespace {

namespace fs = std::filesystem;

// Every collection here reads a tiny replay root and is bounded by `timeout`: before the fix a
// link to a FIFO without a reader hung forever, and a test must fail, not hang.
CommandResult collectTo(const fs::path& root, const std::string& out) {
  return run("timeout 60 " + collectorPath() + " --no-nice -q --root " + shellQuote(root.string()) +
             " -o " + out);
}

bool allZero(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char c;
  while (in.get(c))
    if (c != 0) return false;
  return true;
}

TEST_CASE("a symbolic link at the output name is refused, whatever it points to") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);

  SECTION("a link to a FIFO without a reader: refused at once, no hang") {
    fs::path fifo = tmp / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    fs::create_symlink(fifo, tmp / "x.tar.zst");
    CommandResult r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()));
    INFO(r.out);
    CHECK(r.exit_code == 5);
    CHECK(r.out.find("is a symbolic link: refusing to write through it") != std::string::npos);
  }
  SECTION("a link to a regular file: the file is left as it was") {
    fs::path victim = tmp / "victim";
    std::ofstream(victim) << "precious";
    fs::create_symlink(victim, tmp / "x.tar.zst");
    // Without --force an existing name is refused anyway (exit 2); --force replaces a file, never
    // what a link points to.
    CommandResult r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()));
    INFO(r.out);
    CHECK(r.exit_code == 2);
    r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()) + " --force");
    INFO(r.out);
    CHECK(r.exit_code == 5);
    CHECK(r.out.find("is a symbolic link: refusing to write through it") != std::string::npos);
    CHECK(fs::is_symlink(tmp / "x.tar.zst"));
    CHECK(readFile(victim) == "precious");
  }
  SECTION("a dangling link: nothing is created where it points") {
    fs::create_symlink(tmp / "elsewhere", tmp / "x.tar.zst");
    CommandResult r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()));
    INFO(r.out);
    CHECK(r.exit_code == 5);
    CHECK_FALSE(fs::exists(tmp / "elsewhere"));
  }
  SECTION("a link to /dev/null is refused too: only a device named directly is written") {
    fs::create_symlink("/dev/null", tmp / "x.tar.zst");
    CommandResult r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()));
    INFO(r.out);
    CHECK(r.exit_code == 5);
  }
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
  }
}

TEST_CASE("a block device at the output name is never written, through a link or directly") {
  if (geteuid() != 0) skipTest("needs root to attach a loop device");
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  // A loop device backed by a zeroed file in the test's own folder: had the collector written
  // to it, the damage would land in that file (and the test would see it), not on a real disk.
  fs::path backing = tmp / "disk.img";
  REQUIRE(run("head -c 1048576 /dev/zero > " + shellQuote(backing.string())).exit_code == 0);
  CommandResult lo = run("losetup -f --show " + shellQuote(backing.string()) + " 2>&1");
  if (lo.exit_code != 0) skipTest("losetup cannot attach a loop device here: " + lo.out);
  std::string dev = lo.out.substr(0, lo.out.find('\n'));
  struct Detach {
    std::string dev;
    ~Detach() { run("losetup -d " + dev); }
  } detach{dev};

  fs::create_symlink(dev, tmp / "x.tar.zst");
  CommandResult r = collectTo(root, shellQuote((tmp / "x.tar.zst").string()));
  INFO(r.out);
  CHECK(r.exit_code == 5);
  r = collectTo(root, dev);
  INFO(r.out);
  CHECK(r.exit_code == 5);
  CHECK(r.out.find("is a block device") != std::string::npos);
  run("sync");
  CHECK(allZero(backing));
}

TEST_CASE("outputs named directly still work: a regular file, /dev/null, a FIFO with a reader") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  CHECK(collectTo(root, shellQuote((tmp / "b.tar.zst").string())).exit_code == 0);
  CHECK(fs::file_size(tmp / "b.tar.zst") > 0);
  CHECK(collectTo(root, "/dev/null").exit_code == 0);
  CHECK(fs::exists("/dev/null"));
  CHECK_FALSE(fs::is_regular_file("/dev/null"));

  fs::path fifo = tmp / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CommandResult r = run("(cat " + shellQuote(fifo.string()) + " > " +
                        shellQuote((tmp / "via-fifo.tar.zst").string()) + " &) ; timeout 60 " +
                        collectorPath() + " --no-nice -q --root " + shellQuote(root.string()) +
                        " -o " + shellQuote(fifo.string()) + "; echo rc=$?; sleep 0.2");
  INFO(r.out);
  CHECK(r.out.find("rc=0") != std::string::npos);
  CHECK(run("tar --zstd -tf " + shellQuote((tmp / "via-fifo.tar.zst").string()) + " >/dev/null")
            .exit_code == 0);
}

TEST_CASE("a folder at the output name is refused with its own message") {
  TempDir tmp;
  fs::path root = tmp / "root";
  makeReplayRoot(root, 100);
  fs::create_directory(tmp / "out.tar.zst");
  CommandResult r = collectTo(root, shellQuote((tmp / "out.tar.zst").string()));
  INFO(r.out);
  CHECK(r.exit_code == 5);
  CHECK(r.out.find("is a folder") != std::string::npos);
}

}  // namespace
}  // namespace memsift::test
