// Command-line parsing for memsift-collect, by hand: the collector is linked statically for four
// architectures, and a general option library (with the C++ stream and locale machinery it pulls
// in) cost a third of its size. The table below is the one description of every option, for the
// parser and for --help; the help text carries the exit code table.
#include "collector/cli.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bundle/members.h"
#include "common/error.h"
#include "common/exit_codes.h"

namespace memsift::collector {

namespace {

struct OptionSpec {
  const char* name;        // long name, without "--"
  char short_name;         // 0 when there is none
  const char* value_name;  // nullptr for a flag
  const char* help;        // nullptr: accepted but not listed
};

constexpr OptionSpec kOptions[] = {
    {"output", 'o', "FILE",
     "write the bundle to FILE ('-' for standard output); default "
     "./memsift-HOSTNAME-YYYYMMDDTHHMMSSZ.tar.zst; an existing file is not replaced (exit 2) "
     "unless --force"},
    {"force", 0, nullptr, "replace the -o file if it exists"},
    {"root", 0, "DIR",
     "read the system beneath DIR instead of / (DIR/proc/meminfo, DIR/proc/kpageflags, ...): "
     "replays a captured or synthetic system"},
    {"page-size", 0, "N",
     "page size of the system read, in bytes (default: this machine's; with --root, what the "
     "tree says: KernelPageSize in proc/PID/smaps, the architecture, the PMD size; without any "
     "of them --root needs --page-size)"},
    {"byte-order", 0, "big|little",
     "byte order of the page-frame tables beneath --root (default: from "
     "DIR/proc/sys/kernel/arch, e.g. s390x and ppc64 are big-endian; this machine's when DIR has "
     "no arch file, with a warning)"},
    {"cgroup-inodes", 0, "FILE",
     "with --root: the memory cgroup directories' inode numbers on the system the tree was "
     "copied from, one 'INODE<TAB>PATH' line per directory, PATH absolute as on that system "
     "(made there by: find /sys/fs/cgroup -type d -printf '%i\\t%p\\n'); a copy's own inodes are "
     "not what its kpagecgroup holds"},
    {"no-page-frames", 0, nullptr,
     "do not read the page-frame tables /proc/kpageflags, kpagecount, kpagecgroup"},
    {"no-smaps", 0, nullptr,
     "per process, read smaps_rollup but not smaps (faster on huge processes)"},
    {"max-pids", 0, "N", "read at most N processes"},
    {"max-seconds", 0, "S", "stop after S seconds; the bundle is kept, marked incomplete (exit 4)"},
    {"every", 0, "SECONDS",
     "take a snapshot series: every SECONDS (fractions allowed) the cheap counters (meminfo, "
     "vmstat, buddyinfo, each memory cgroup's usage and memory.stat, each process's status, stat "
     "and smaps_rollup, the kernel log since the last read), then the full collection as the last "
     "snapshot; needs --count or --for"},
    {"count", 0, "N", "with --every: N snapshots in all (at least 2), the last the full one"},
    {"for", 0, "DURATION",
     "with --every, instead of --count: a series this long (90s, 10m, 2h; a bare number is "
     "seconds), DURATION / SECONDS + 1 snapshots"},
    {"redact", 0, nullptr, "replace command-line arguments and the host name by keyed hashes"},
    {"level", 0, "N", "zstd level, 1-19 (default 3)"},
    {"dry-run", 0, nullptr, "list what would be read and whether it is readable; write nothing"},
    {"jobs", 'j', "N",
     "1 (default, gentle): one thread reads the page-frame tables (another compresses what "
     "it read); 2 or more: a second thread reads the upper half of each chunk (faster, busier)"},
    {"no-nice", 0, nullptr,
     "keep this process's CPU and I/O priority (default: nice 10, idle I/O)"},
    {"quiet", 'q', nullptr, "no progress line and no summary"},
    {"help", 'h', nullptr, "show this help"},
    {"version", 0, nullptr, "show the version"},
    // The old spelling of --no-page-frames, which read like PageTables (page-table pages) rather
    // than the page-frame tables it leaves out.
    {"no-page-tables", 0, nullptr, nullptr},
};

[[noreturn]] void usage(const std::string& what) {
  throwUsage(what + " (see memsift-collect --help)");
}

// The option a word names: exact long name, or a prefix of exactly one (as --max-s for
// --max-seconds), or a short letter.
const OptionSpec& findLong(std::string_view name) {
  const OptionSpec* prefix_match = nullptr;
  int prefix_matches = 0;
  for (const OptionSpec& o : kOptions) {
    if (name == o.name) return o;
    if (std::string_view(o.name).starts_with(name)) {
      prefix_match = &o;
      ++prefix_matches;
    }
  }
  if (prefix_matches == 1 && !name.empty()) return *prefix_match;
  if (prefix_matches > 1) usage("option '--" + std::string(name) + "' is ambiguous");
  usage("unrecognised option '--" + std::string(name) + "'");
}

const OptionSpec& findShort(char c) {
  for (const OptionSpec& o : kOptions)
    if (o.short_name == c) return o;
  usage(std::string("unrecognised option '-") + c + "'");
}

template <typename T>
T number(const OptionSpec& o, const std::string& text) {
  T v{};
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size())
    usage("the argument ('" + text + "') for option '--" + o.name + "' is invalid");
  return v;
}

// Appends TEXT to OUT wrapped at 80 columns, every line indented by INDENT.
void wrap(std::string& out, std::string_view text, size_t column, size_t indent) {
  constexpr size_t kWidth = 80;
  while (!text.empty()) {
    size_t room = kWidth - column;
    size_t cut = text.size();
    if (cut > room) {
      cut = text.rfind(' ', room);
      if (cut == std::string_view::npos || cut == 0) cut = text.find(' ');
      if (cut == std::string_view::npos) cut = text.size();
    }
    out.append(text.substr(0, cut));
    text.remove_prefix(cut);
    while (!text.empty() && text.front() == ' ')
      text.remove_prefix(1);
    if (!text.empty()) {
      out += '\n';
      out.append(indent, ' ');
      column = indent;
    }
  }
  out += '\n';
}

// "90s", "10m", "2h", "1.5h" or "90" (seconds) -> seconds; nullopt for anything else.
std::optional<double> durationSeconds(std::string_view text) {
  double scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        text.remove_suffix(1);
        break;
      case 'm':
        scale = 60;
        text.remove_suffix(1);
        break;
      case 'h':
        scale = 3600;
        text.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !(v > 0) ||
      !std::isfinite(v * scale)) {
    return std::nullopt;
  }
  return v * scale;
}

// --every with --count or --for; either of the last two alone, or --every alone, is an error
// rather than a guess at the other.
void parseSeries(const std::string* every, const std::string* count, const std::string* span,
                 CollectOptions& o) {
  if (every == nullptr) {
    if (count != nullptr || span != nullptr) {
      throwUsage(std::string(count != nullptr ? "--count" : "--for") +
                 " sets the length of a snapshot series: give --every SECONDS with it");
    }
    return;
  }
  const double s = number<double>(findLong("every"), *every);
  if (!(s > 0) || !std::isfinite(s)) throwUsage("--every must be a positive number of seconds");
  if (count != nullptr && span != nullptr) throwUsage("give --count or --for, not both");
  if (count == nullptr && span == nullptr) {
    throwUsage("--every " + *every +
               " needs the length of the series: --count N (snapshots) or --for DURATION");
  }
  o.every_seconds = s;
  uint64_t n = 0;
  if (count != nullptr) {
    n = number<uint64_t>(findLong("count"), *count);
    if (n < 2) {
      throwUsage("--count " + *count +
                 ": a series has at least 2 snapshots (the last is the full collection)");
    }
  } else {
    const std::optional<double> d = durationSeconds(*span);
    if (!d) throwUsage("--for " + *span + ": give a duration such as 90s, 10m or 2h");
    // A whisker of tolerance: --every 0.1 --for 1s is 11 snapshots, not 10 by rounding.
    const double intervals = std::floor(*d / s + 1e-9);
    if (intervals < 1) throwUsage("--for " + *span + " is shorter than one --every interval");
    n = intervals >= bundle::members::kMaxSeriesSnapshots ? uint64_t{UINT64_MAX}
                                                          : static_cast<uint64_t>(intervals) + 1;
    o.for_seconds = *d;
  }
  if (n > bundle::members::kMaxSeriesSnapshots) {
    throwUsage("a series of more than " + std::to_string(bundle::members::kMaxSeriesSnapshots) +
               " snapshots: take a longer --every");
  }
  o.series_count = static_cast<unsigned>(n);
}

}  // namespace

std::string helpText() {
  std::string out =
      "Usage: memsift-collect [options]\n"
      "\n"
      "Captures what the kernel knows about memory on this host into one compressed file\n"
      "(a tar archive compressed with zstd; open it with `tar --zstd -xf`): /proc and /sys\n"
      "memory statistics, memory cgroups, every process's maps and smaps, the kernel log, and\n"
      "the page-frame tables /proc/kpageflags, kpagecount and kpagecgroup. Run it as root:\n"
      "without root the page-frame tables and some files are recorded as denied.\n"
      "It never reads memory contents or process environments and writes nothing but its\n"
      "output file.\n"
      "\n"
      "Options:\n";
  constexpr size_t kHelpColumn = 26;
  for (const OptionSpec& o : kOptions) {
    if (o.help == nullptr) continue;
    std::string left = "  ";
    if (o.short_name != 0) left += std::string("-") + o.short_name + ", ";
    left += std::string("--") + o.name;
    if (o.value_name != nullptr) left += std::string(" ") + o.value_name;
    out += left;
    if (left.size() + 2 > kHelpColumn) {
      out += '\n';
      out.append(kHelpColumn, ' ');
    } else {
      out.append(kHelpColumn - left.size(), ' ');
    }
    wrap(out, o.help, kHelpColumn, kHelpColumn);
  }
  out += '\n';
  out += kExitCodeHelp;
  return out;
}

CliAction parseCommandLine(int argc, const char* const* argv, CollectOptions& o) {
  // Each option's value as given, the last one winning; a flag's value is "".
  std::vector<std::pair<const OptionSpec*, std::string>> given;
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    const OptionSpec* spec = nullptr;
    std::string value;
    bool inline_value = false;
    if (word == "--" || word == "-" || !word.starts_with("-")) {
      // Bare words are refused, not dropped: a forgotten -o must not write the bundle under
      // another name while saying nothing.
      if (word == "--" && i + 1 < argc) word = argv[i + 1];
      if (word == "--") break;
      throwUsage("unexpected argument '" + std::string(word) +
                 "': memsift-collect takes no file names; to write the bundle to a file, give "
                 "-o FILE (see memsift-collect --help)");
    }
    if (word.starts_with("--")) {
      word.remove_prefix(2);
      size_t eq = word.find('=');
      spec = &findLong(word.substr(0, eq));
      if (eq != std::string_view::npos) {
        value = std::string(word.substr(eq + 1));
        inline_value = true;
      }
    } else {
      spec = &findShort(word[1]);
      if (word.size() > 2) {
        if (spec->value_name == nullptr)
          usage("option '-" + std::string(1, word[1]) + "' takes no value");
        value = std::string(word.substr(2));
        inline_value = true;
      }
    }
    if (spec->value_name == nullptr && inline_value)
      usage(std::string("option '--") + spec->name + "' takes no value");
    if (spec->value_name != nullptr && !inline_value) {
      if (i + 1 >= argc) usage(std::string("option '--") + spec->name + "' needs a value");
      value = argv[++i];
    }
    given.emplace_back(spec, std::move(value));
  }
  auto find = [&](const char* name) -> const std::string* {
    const std::string* last = nullptr;
    for (const auto& [spec, value] : given)
      if (std::strcmp(spec->name, name) == 0) last = &value;
    return last;
  };
  auto has = [&](const char* name) { return find(name) != nullptr; };

  if (has("help")) return CliAction::kHelp;
  if (has("version")) return CliAction::kVersion;
  if (const std::string* v = find("output")) {
    if (v->empty()) throwUsage("--output needs a file name");
    o.output = *v;
  }
  if (const std::string* v = find("root")) o.root = *v;
  if (const std::string* v = find("page-size")) {
    uint64_t p = number<uint64_t>(findLong("page-size"), *v);
    if (p < 1024 || (p & (p - 1)) != 0) {
      throwUsage("--page-size " + std::to_string(p) + ": not a power of two of at least 1024");
    }
    o.page_size = p;
  }
  if (const std::string* v = find("byte-order")) {
    o.byte_order = *v;
    if (o.byte_order != "big" && o.byte_order != "little") {
      throwUsage("--byte-order " + o.byte_order + ": say big or little");
    }
    if (!has("root")) {
      throwUsage(
          "--byte-order describes a tree read with --root; a live host's tables are in "
          "its own byte order");
    }
  }
  if (const std::string* v = find("cgroup-inodes")) {
    if (v->empty()) throwUsage("--cgroup-inodes needs a file name");
    o.cgroup_inodes = *v;
    if (!has("root")) throwUsage("--cgroup-inodes describes a copied tree: use it with --root");
  }
  o.page_tables = !has("no-page-frames") && !has("no-page-tables");
  o.force = has("force");
  o.smaps = !has("no-smaps");
  if (const std::string* v = find("max-pids"))
    o.max_pids = number<uint64_t>(findLong("max-pids"), *v);
  if (const std::string* v = find("max-seconds")) {
    double s = number<double>(findLong("max-seconds"), *v);
    if (!(s > 0) || !std::isfinite(s)) throwUsage("--max-seconds must be a positive number");
    o.max_seconds = s;
  }
  parseSeries(find("every"), find("count"), find("for"), o);
  o.redact = has("redact");
  if (const std::string* v = find("level")) o.level = number<int>(findLong("level"), *v);
  if (o.level < 1 || o.level > 19) {
    throwUsage("--level " + std::to_string(o.level) + ": zstd levels are 1 to 19");
  }
  o.dry_run = has("dry-run");
  o.nice = !has("no-nice");
  if (const std::string* v = find("jobs")) {
    const uint64_t jobs = number<uint64_t>(findLong("jobs"), *v);
    if (jobs < 1 || jobs > 256) throwUsage("--jobs " + *v + ": give 1 to 256");
    o.jobs = static_cast<unsigned>(jobs);
  }
  o.quiet = has("quiet");
  return CliAction::kCollect;
}

}  // namespace memsift::collector
