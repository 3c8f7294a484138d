// One run of memsift-collect: from the options to a finished bundle (or, with --dry-run, a list
// of what would be read), in the order that keeps related evidence close in time.
#pragma once

#include "collector/options.h"

namespace memsift::collector {

// Returns the exit code (exit_codes.h): 0, 4 when stopped by --max-seconds, 6 by a signal.
// Throws Error for what prevents a bundle: a bad --root (kInput), an unwritable output (kOutput:
// the partial file is removed first).
int runCollection(const CollectOptions& options);

// "memsift-HOST-20251125T145000Z.tar.zst", with characters unsafe in a file name replaced.
std::string defaultOutputName(std::string_view hostname, int64_t start_time);

}  // namespace memsift::collector
