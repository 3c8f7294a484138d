// Command-line parsing shared by the subcommands (Boost.Program_options), usage errors as
// memsift::Error(kUsage).
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace memsift::cli {

namespace po = boost::program_options;

// Parses `args` against `options` with the positional names in order (each taken once; a last
// name ending in "..." takes all the rest).
// Returns false if --help was given (after printing `usage` and the options to stdout).
bool parseArgs(const std::vector<std::string>& args, po::options_description& options,
               const std::vector<std::string>& positional, const std::string& usage,
               po::variables_map& vm);

}  // namespace memsift::cli
