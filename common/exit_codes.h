// Exit codes shared by memsift and memsift-collect; documented in README.md and --help.
#pragma once

#include "common/error.h"

namespace memsift {

enum ExitCode : int {
  kExitOk = 0,           // everything requested was done, input and output complete
  kExitInternal = 1,     // a bug: an unexpected exception
  kExitUsage = 2,        // bad command line
  kExitInput = 3,        // the input could not be read at all (not a bundle, newer major version)
  kExitPartial = 4,      // output written, but from a damaged bundle or an incomplete collection
  kExitOutput = 5,       // the output could not be written (disk full, I/O error); nothing left
  kExitInterrupted = 6,  // SIGINT/SIGTERM: stopped early (collector: bundle marked incomplete)
};

inline int exitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return kExitUsage;
    case ErrorKind::kInput:
      return kExitInput;
    case ErrorKind::kOutput:
      return kExitOutput;
    case ErrorKind::kInterrupted:
      return kExitInterrupted;
    case ErrorKind::kInternal:
      return kExitInternal;
  }
  return kExitInternal;
}

// The table printed by --help of both tools.
inline constexpr const char* kExitCodeHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  internal error (a bug; please report it)\n"
    "  2  usage error (also: an existing output file without --force)\n"
    "  3  input unreadable (not a bundle, unsupported format version, not a system root)\n"
    "  4  partial: output written from a damaged bundle or an incomplete collection, or a\n"
    "     report marked PARTIAL\n"
    "  5  output could not be written (disk full, I/O error); no partial file is left\n"
    "  6  interrupted by SIGINT/SIGTERM\n";

}  // namespace memsift
