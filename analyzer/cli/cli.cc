// memsift's command dispatcher: the one place where errors become messages and exit codes.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>

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
  std::fprintf(stderr, "memsift: unknown command '%s'\n\n", printable(argv[1]).c_str());
  printUsage(stderr);
  return kExitUsage;
}

}  // namespace memsift::cli
