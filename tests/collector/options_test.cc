// The scope and safety options, replayed on testdata/roots/minimal: --no-page-tables,
// --no-smaps, --max-pids, --redact, and -o - (the bundle on stdout, messages on stderr).
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "tests/collector/collector_test_util.h"

namespace memsift::test {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

struct Replay {
  TempDir tmp;
  fs::path root = tmp / "root";
  Replay() { makeReplayRoot(root, 1000); }

  ExtractedBundle collect(const std::string& options, int expected_exit = 0) {
    fs::path out = tmp / "b.tar.zst";
    fs::remove(out);
    fs::remove_all(tmp / "x");
    CommandResult r = run("cd " + shellQuote(tmp.path().string()) + " && " + collectorPath() +
                          " --no-nice -q --root " + shellQuote(root.string()) + " " + options);
    INFO(r.out);
    REQUIRE(r.exit_code == expected_exit);
    for (const auto& e : fs::directory_iterator(tmp.path())) {
      if (e.path().extension() == ".zst") out = e.path();
    }
    return extractBundle(out, tmp / "x");
  }
};

TEST_CASE("scope options leave out what they say and record it") {
  Replay r;
  ExtractedBundle b = r.collect("-o b.tar.zst --no-page-tables --no-smaps");
  CHECK(b.pageTable("kpageflags").empty());
  CHECK_FALSE(b.has("proc/meminfo.after"));
  CHECK(b.has("proc/meminfo"));
  CHECK(b.has("proc/42/smaps_rollup"));
  CHECK_FALSE(b.has("proc/42/smaps"));
  CHECK(b.manifest.at("options").at("page_tables") == false);
  CHECK(b.manifest.at("options").at("smaps") == false);
  CHECK(b.index.at("complete") == true);

  b = r.collect("-o b.tar.zst --max-pids 1");
  CHECK(b.index.at("collection").at("processes") == 1);
  CHECK(b.sources("truncated") == std::vector<std::string>{"proc"});
  CHECK(b.detail("proc") == "--max-pids 1: 1 more processes not read");
}

TEST_CASE("redaction hashes the host name and command-line arguments") {
  Replay r;
  writeFile(r.root / "proc/42/cmdline", "qemu-system-x86_64\0-name\0guest=secret\0"s);
  ExtractedBundle b = r.collect("--redact");  // default output name
  std::string name = b.manifest.at("host").at("hostname");
  CHECK(name.rfind("h:", 0) == 0);
  CHECK(b.text("proc/sys/kernel/hostname") == name + "\n");
  std::string cmdline = b.text("proc/42/cmdline");
  CHECK(cmdline.rfind("qemu-system-x86_64\0h:"s, 0) == 0);
  CHECK(cmdline.find("secret") == std::string::npos);
  CHECK(std::count(cmdline.begin(), cmdline.end(), '\0') == 3);
  for (const auto& e : fs::directory_iterator(r.tmp.path())) {
    CHECK(e.path().filename().string().find("replay-host") == std::string::npos);
  }
  CHECK(b.manifest.at("options").at("redact") == true);
}

TEST_CASE("the default output name carries the host name and the UTC start time") {
  Replay r;
  ExtractedBundle b = r.collect("");
  std::string stamp = b.manifest.at("host").at("start_time_utc");  // 2025-11-25T14:50:00Z
  std::string compact;
  for (char c : stamp) {
    if (c != '-' && c != ':') compact.push_back(c);
  }
  CHECK(fs::exists(r.tmp / ("memsift-replay-host-" + compact + ".tar.zst")));
}

TEST_CASE("a bundle written to standard output is the only thing there") {
  Replay r;
  CommandResult c =
      run(collectorPath() + " --no-nice --root " + shellQuote(r.root.string()) + " -o - 2>" +
          shellQuote((r.tmp / "stderr").string()) + " | tar --zstd -tf - | sort");
  INFO(c.out);
  CHECK(c.exit_code == 0);
  CHECK(c.out.find("manifest.json\n") != std::string::npos);
  CHECK(c.out.find("index.json\n") != std::string::npos);
  CHECK(readFile(r.tmp / "stderr").find("memsift-collect: wrote standard output: ") !=
        std::string::npos);
}

}  // namespace
}  // namespace memsift::test
