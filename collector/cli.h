// The command line of memsift-collect: parsing into CollectOptions, and --help.
#pragma once

#include <string>

#include "collector/options.h"

namespace memsift::collector {

enum class CliAction { kCollect, kHelp, kVersion };

// Throws Error(kUsage) with a message naming the offending option.
CliAction parseCommandLine(int argc, const char* const* argv, CollectOptions& options);
std::string helpText();

}  // namespace memsift::collector
