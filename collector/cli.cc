// Command-line parsing with Boost.Program_options; the help text carries the exit code table.
#include "collector/cli.h"

#include <boost/program_options.hpp>

#include <cmath>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/exit_codes.h"

namespace memsift::collector {

namespace po = boost::program_options;

namespace {

po::options_description describeOptions() {
  po::options_description d("Options");
  d.add_options()("output,o", po::value<std::string>()->value_name("FILE"),
                  "write the bundle to FILE ('-' for standard output); default "
                  "./memsift-HOSTNAME-YYYYMMDDTHHMMSSZ.tar.zst; an existing file is not replaced "
                  "(exit 2) unless --force")("force", "replace the -o file if it exists")(
      "root", po::value<std::string>()->value_name("DIR"),
      "read the system beneath DIR instead of / (DIR/proc/meminfo, DIR/proc/kpageflags, ...): "
      "replays a captured or synthetic system")(
      "page-size", po::value<uint64_t>()->value_name("N"),
      "page size of the system read, in bytes (default: this machine's; with --root, what the "
      "tree says: KernelPageSize in proc/PID/smaps, the architecture, the PMD size; without "
      "any of them --root needs --page-size)")(
      "byte-order", po::value<std::string>()->value_name("big|little"),
      "byte order of the page-frame tables beneath --root (default: from DIR/proc/sys/kernel/arch, "
      "e.g. s390x and ppc64 are big-endian; this machine's when DIR has no arch file, with a "
      "warning)")(
      "cgroup-inodes", po::value<std::string>()->value_name("FILE"),
      "with --root: the memory cgroup directories' inode numbers on the system the tree was "
      "copied from, one 'INODE<TAB>PATH' line per directory, PATH absolute as on that system "
      "(made there by: find /sys/fs/cgroup -type d -printf '%i\\t%p\\n'); a copy's own inodes are "
      "not what its kpagecgroup holds")(
      "no-page-frames",
      "do not read the page-frame tables /proc/kpageflags, kpagecount, "
      "kpagecgroup")("no-smaps",
                     "per process, read smaps_rollup but not smaps (faster on huge processes)")(
      "max-pids", po::value<uint64_t>()->value_name("N"), "read at most N processes")(
      "max-seconds", po::value<double>()->value_name("S"),
      "stop after S seconds; the bundle is kept, marked incomplete (exit 4)")(
      "redact", "replace command-line arguments and the host name by keyed hashes")(
      "level", po::value<int>()->value_name("N")->default_value(3), "zstd level, 1-19")(
      "dry-run", "list what would be read and whether it is readable; write nothing")(
      "no-nice", "keep this process's CPU and I/O priority (default: nice 10, idle I/O)")(
      "quiet,q", "no progress line and no summary")("help,h", "show this help")("version",
                                                                                "show the version");
  return d;
}

// Accepted but not listed: the old spelling of --no-page-frames, which read like PageTables
// (page-table pages) rather than the page-frame tables it leaves out.
po::options_description hiddenOptions() {
  po::options_description d("Hidden");
  d.add_options()("no-page-tables", "same as --no-page-frames")(
      "stray", po::value<std::vector<std::string>>(), "arguments that are not options");
  return d;
}

}  // namespace

std::string helpText() {
  std::ostringstream out;
  out << "Usage: memsift-collect [options]\n"
         "\n"
         "Captures what the kernel knows about memory on this host into one compressed file\n"
         "(a tar archive compressed with zstd; open it with `tar --zstd -xf`): /proc and /sys\n"
         "memory statistics, memory cgroups, every process's maps and smaps, the kernel log, and\n"
         "the page-frame tables /proc/kpageflags, kpagecount and kpagecgroup. Run it as root:\n"
         "without root the page-frame tables and some files are recorded as denied.\n"
         "It never reads memory contents or process environments and writes nothing but its\n"
         "output file.\n"
         "\n"
      << describeOptions() << "\n"
      << kExitCodeHelp;
  return out.str();
}

CliAction parseCommandLine(int argc, const char* const* argv, CollectOptions& o) {
  po::variables_map vm;
  try {
    po::options_description all;
    all.add(describeOptions()).add(hiddenOptions());
    // Bare words are collected to be refused below, not dropped: a forgotten -o must not
    // write the bundle under another name while saying nothing.
    po::positional_options_description stray;
    stray.add("stray", -1);
    po::store(po::command_line_parser(argc, argv).options(all).positional(stray).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throwUsage(std::string(e.what()) + " (see memsift-collect --help)");
  }
  if (vm.count("stray")) {
    throwUsage("unexpected argument '" + vm["stray"].as<std::vector<std::string>>().front() +
               "': memsift-collect takes no file names; to write the bundle to a file, give "
               "-o FILE (see memsift-collect --help)");
  }
  if (vm.count("help")) return CliAction::kHelp;
  if (vm.count("version")) return CliAction::kVersion;
  if (vm.count("output")) {
    o.output = vm["output"].as<std::string>();
    if (o.output.empty()) throwUsage("--output needs a file name");
  }
  if (vm.count("root")) o.root = vm["root"].as<std::string>();
  if (vm.count("page-size")) {
    uint64_t p = vm["page-size"].as<uint64_t>();
    if (p < 1024 || (p & (p - 1)) != 0) {
      throwUsage("--page-size " + std::to_string(p) + ": not a power of two of at least 1024");
    }
    o.page_size = p;
  }
  if (vm.count("byte-order")) {
    o.byte_order = vm["byte-order"].as<std::string>();
    if (o.byte_order != "big" && o.byte_order != "little") {
      throwUsage("--byte-order " + o.byte_order + ": say big or little");
    }
    if (!vm.count("root")) {
      throwUsage(
          "--byte-order describes a tree read with --root; a live host's tables are in "
          "its own byte order");
    }
  }
  if (vm.count("cgroup-inodes")) {
    o.cgroup_inodes = vm["cgroup-inodes"].as<std::string>();
    if (o.cgroup_inodes.empty()) throwUsage("--cgroup-inodes needs a file name");
    if (!vm.count("root"))
      throwUsage("--cgroup-inodes describes a copied tree: use it with --root");
  }
  o.page_tables = vm.count("no-page-frames") == 0 && vm.count("no-page-tables") == 0;
  o.force = vm.count("force") != 0;
  o.smaps = vm.count("no-smaps") == 0;
  if (vm.count("max-pids")) o.max_pids = vm["max-pids"].as<uint64_t>();
  if (vm.count("max-seconds")) {
    double s = vm["max-seconds"].as<double>();
    if (!(s > 0) || !std::isfinite(s)) throwUsage("--max-seconds must be a positive number");
    o.max_seconds = s;
  }
  o.redact = vm.count("redact") != 0;
  o.level = vm["level"].as<int>();
  if (o.level < 1 || o.level > 19) {
    throwUsage("--level " + std::to_string(o.level) + ": zstd levels are 1 to 19");
  }
  o.dry_run = vm.count("dry-run") != 0;
  o.nice = vm.count("no-nice") == 0;
  o.quiet = vm.count("quiet") != 0;
  return CliAction::kCollect;
}

}  // namespace memsift::collector
