// The command line: options, their checks, and --help with the exit code table.
#include "collector/cli.h"

#include <sys/utsname.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/collector/collector_test_util.h"

namespace memsift::collector {
namespace {

CliAction parse(std::vector<const char*> args, CollectOptions& o) {
  args.insert(args.begin(), "memsift-collect");
  return parseCommandLine(static_cast<int>(args.size()), args.data(), o);
}

std::string usageError(std::vector<const char*> args) {
  CollectOptions o;
  try {
    parse(std::move(args), o);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kUsage);
    return e.what();
  }
  return "no error";
}

TEST_CASE("command-line options") {
  CollectOptions o;
  CHECK(parse({}, o) == CliAction::kCollect);
  CHECK(o.output.empty());
  CHECK(o.root == "/");
  CHECK(o.page_tables);
  CHECK(o.smaps);
  CHECK(o.nice);
  CHECK(o.level == 3);
  CHECK(parse({"-o", "-", "--root", "/r", "--page-size", "65536", "--no-page-frames", "--no-smaps",
               "--max-pids", "10", "--max-seconds", "2.5", "--redact", "--level", "19", "--dry-run",
               "--no-nice", "-q"},
              o) == CliAction::kCollect);
  CHECK(o.output == "-");
  CHECK(o.root == "/r");
  CHECK(o.page_size == 65536u);
  CHECK_FALSE(o.page_tables);
  CHECK_FALSE(o.smaps);
  CHECK(o.max_pids == 10u);
  CHECK(o.max_seconds == 2.5);
  CHECK(o.redact);
  CHECK(o.level == 19);
  CHECK(o.dry_run);
  CHECK_FALSE(o.nice);
  CHECK(o.quiet);
  CHECK_FALSE(o.force);
  CollectOptions f;
  CHECK(parse({"--force", "--no-page-tables"}, f) == CliAction::kCollect);
  CHECK(f.force);
  CHECK_FALSE(f.page_tables);  // the old spelling still works
  CollectOptions h;
  CHECK(parse({"--help"}, h) == CliAction::kHelp);
  CHECK(parse({"--version"}, h) == CliAction::kVersion);
}

TEST_CASE("bad options are usage errors that say what is wrong") {
  CHECK(usageError({"--page-size", "4000"}) ==
        "--page-size 4000: not a power of two of at least 1024");
  CHECK(usageError({"--max-seconds", "0"}) == "--max-seconds must be a positive number");
  CHECK(usageError({"--level", "0"}) == "--level 0: zstd levels are 1 to 19");
  CHECK(usageError({"--bogus"}).find("bogus") != std::string::npos);
  CHECK(usageError({"-o", ""}) == "--output needs a file name");
  // A forgotten -o: the bare word is refused, not ignored while the bundle goes elsewhere.
  CHECK(usageError({"out.tar.zst"}) ==
        "unexpected argument 'out.tar.zst': memsift-collect takes no file names; to write the "
        "bundle to a file, give -o FILE (see memsift-collect --help)");
  CHECK(usageError({"-q", "-o", "a.tar.zst", "b.tar.zst"})
            .starts_with("unexpected argument 'b.tar.zst'"));
}

TEST_CASE("option spellings: --name=value, -oVALUE, unique prefixes, the last one given wins") {
  CollectOptions o;
  CHECK(parse({"--level=7", "-obundle.tar.zst", "--max-s", "1.5", "--max-p=3", "--level", "9"},
              o) == CliAction::kCollect);
  CHECK(o.level == 9);
  CHECK(o.output == "bundle.tar.zst");
  CHECK(o.max_seconds == 1.5);
  CHECK(o.max_pids == 3u);
  CHECK(usageError({"--no"}) == "option '--no' is ambiguous (see memsift-collect --help)");
  CHECK(usageError({"--level"}) == "option '--level' needs a value (see memsift-collect --help)");
  CHECK(usageError({"--quiet=yes"}) ==
        "option '--quiet' takes no value (see memsift-collect --help)");
  CHECK(usageError({"-x"}) == "unrecognised option '-x' (see memsift-collect --help)");
  CHECK(usageError({"--max-pids", "12k"}) ==
        "the argument ('12k') for option '--max-pids' is invalid (see memsift-collect --help)");
  CHECK(usageError({"--max-seconds", "nan"}) == "--max-seconds must be a positive number");
  // After "--" every word is a bare word, refused like any other.
  CHECK(usageError({"--", "--root"}).starts_with("unexpected argument '--root'"));
}

TEST_CASE("the help (--help) lists the options and the exit codes") {
  test::CommandResult r = test::run(test::collectorPath() + " --help");
  CHECK(r.exit_code == 0);
  for (const char* s : {"--root DIR", "--no-page-frames", "--max-seconds", "--dry-run", "--redact",
                        "--force", "Exit codes:", "6  interrupted by SIGINT/SIGTERM"}) {
    INFO(s);
    CHECK(r.out.find(s) != std::string::npos);
  }
  // The old spelling read like PageTables (page-table pages): accepted, no longer shown.
  CHECK(r.out.find("--no-page-tables") == std::string::npos);
  CHECK(r.out.find("stray") == std::string::npos);
}

TEST_CASE("options --byte-order and --cgroup-inodes describe a tree read with --root") {
  CollectOptions o;
  CHECK(parse({"--root", "/r", "--byte-order", "big", "--cgroup-inodes", "/r.inodes"}, o) ==
        CliAction::kCollect);
  CHECK(o.byte_order == "big");
  CHECK(o.cgroup_inodes == "/r.inodes");
  CHECK(optionsJson(o).at("byte_order") == "big");
  CHECK(optionsJson(CollectOptions{}).at("byte_order") == nullptr);
  CHECK_THAT(usageError({"--root", "/r", "--byte-order", "middle"}),
             Catch::Contains("say big or little"));
  // A live host's tables are in its own byte order: nothing to state.
  CHECK_THAT(usageError({"--byte-order", "big"}), Catch::Contains("--root"));
  CHECK_THAT(usageError({"--cgroup-inodes", "f"}), Catch::Contains("--root"));
}

// A collector is cross-built for several architectures (scripts/dist) and handed to a customer by
// name: --version must say which architecture the binary is for, as `uname -m` names it there
// (under qemu-user too, where uname reports the emulated machine).
TEST_CASE(
    "the version line (--version) names the architecture the collector was built for, as uname -m "
    "does") {
  test::CommandResult r = test::run(test::collectorPath() + " --version");
  CHECK(r.exit_code == 0);
  struct utsname u {};
  REQUIRE(uname(&u) == 0);
  INFO(r.out);
  CHECK(r.out.rfind("memsift-collect ", 0) == 0);
  CHECK(r.out.find(std::string(" for ") + u.machine + " ") != std::string::npos);
}

}  // namespace
}  // namespace memsift::collector
