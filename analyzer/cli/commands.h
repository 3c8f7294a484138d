// The memsift subcommands. Each takes its own arguments (argv after the subcommand's name),
// writes to stdout/files, and returns an exit code from common/exit_codes.h; errors are thrown as
// memsift::Error and turned into messages and exit codes by runCli().
#pragma once

#include <string>
#include <vector>

namespace memsift::cli {

using Args = std::vector<std::string>;

int runList(const Args& args);       // memsift list BUNDLE
int runInfo(const Args& args);       // memsift info BUNDLE
int runExtract(const Args& args);    // memsift extract BUNDLE DIR
int runReport(const Args& args);     // memsift report BUNDLE [--format F] [-o FILE] [--top N]
int runPageTypes(const Args& args);  // memsift page-types BUNDLE [page-types options]
int runFrame(const Args& args);
int runDiff(const Args& args);
int runExport(const Args& args);  // memsift export BUNDLE... -o DIR [-j N]  // memsift diff OLD NEW
                                  // [--format F] [-o FILE] [--force]      // memsift frame BUNDLE
                                  // PFN... [--format text|json]

// Dispatches argv to a subcommand; prints "memsift: message" for errors.
int runCli(int argc, char** argv);

}  // namespace memsift::cli
