// memsift's command dispatcher: the one place where errors become messages and exit codes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/cli/commands.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"
#include "memsift/version.h"

namespace memsift::cli {
namespace {

struct Command {
  std::string_view name;
  int (*run)(const Args&);
  std::string_view summary;
};

constexpr Command kCommands[] = {
    {"report", runReport, "analyse the bundle: findings, ledger, reconciliation, tables"},
    {"page-types", runPageTypes, "the kernel's page-types on the bundle's page-frame tables"},
    {"diff", runDiff, "what grew and shrank between two bundles of one host and boot"},
    {"export", runExport, "fleet tables (NDJSON) of many bundles for DuckDB, ClickHouse, Spark"},
    {"frame", runFrame, "what the tables say of single page frames (crash's kmem -p, offline)"},
    {"info", runInfo, "host facts, collection status, what is missing and why"},
    {"list", runList, "the bundle's members with their sizes"},
    {"extract", runExtract, "members back as files; page tables reassembled into DIR/proc/"},
};

void printUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: memsift COMMAND BUNDLE [options]\n\n"
               "memsift %s reads a bundle written by memsift-collect, offline.\n\nCommands:\n",
               kToolVersion);
  for (const Command& c : kCommands) {
    std::fprintf(out, "  %-10s %s\n", std::string(c.name).c_str(), std::string(c.summary).c_str());
  }
  std::fprintf(out, "\nRun 'memsift COMMAND --help' for a command's options.\n\n%s", kExitCodeHelp);
}

// Edit distance (insertions, deletions, substitutions; a swap of neighbours counts one), for
// "did you mean": small enough to compute for five names.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The command a mistyped name most likely meant: a unique prefix ("rep"), else the nearest
// name within a third of its length; "" when nothing is close.
std::string_view nearestCommand(std::string_view typed) {
  std::string_view prefix_match;
  int prefixes = 0;
  for (const Command& c : kCommands) {
    if (!typed.empty() && c.name.starts_with(typed)) {
      prefix_match = c.name;
      ++prefixes;
    }
  }
  if (prefixes == 1) return prefix_match;
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (const Command& c : kCommands) {
    size_t dist = editDistance(typed, c.name);
    if (dist < best_distance) {
      best = c.name;
      best_distance = dist;
    }
  }
  return best_distance <= std::max<size_t>(1, best.size() / 3) ? best : std::string_view();
}

}  // namespace

int runCli(int argc, char** argv) {
  if (argc < 2) {
    printUsage(stderr);
    return kExitUsage;
  }
  std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    printUsage(stdout);
    return kExitOk;
  }
  if (name == "--version") {
    std::printf("memsift %s\n", kToolVersion);
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (c.name != name) continue;
    try {
      return c.run(Args(argv + 2, argv + argc));
    } catch (const Error& e) {
      // Messages name members and paths from the bundle: made safe to print first.
      std::fprintf(stderr, "memsift %s: %s\n", argv[1], printable(e.what()).c_str());
      return exitCodeFor(e.kind());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "memsift %s: internal error: %s\n", argv[1],
                   printable(e.what()).c_str());
      return kExitInternal;
    }
  }
  // One line, not the whole usage: the mistake is the name, and the commands are one
  // `memsift --help` away.
  std::string_view near = nearestCommand(name);
  std::string commands;
  for (const Command& c : kCommands)
    commands.append(commands.empty() ? "" : ", ").append(c.name);
  if (!near.empty()) {
    std::fprintf(stderr, "memsift: unknown command '%s'; did you mean '%s'?\n",
                 printable(argv[1]).c_str(), std::string(near).c_str());
  } else {
    std::fprintf(stderr, "memsift: unknown command '%s' (commands: %s; see memsift --help)\n",
                 printable(argv[1]).c_str(), commands.c_str());
  }
  return kExitUsage;
}

}  // namespace memsift::cli
