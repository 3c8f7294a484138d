// Command-line parsing shared by the subcommands (Boost.Program_options), usage errors as
// memsift::Error(kUsage).
#pragma once

#include <boost/program_options.hpp>
#include <optional>
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

// Threads that decode a bundle's page tables (--jobs N of report and page-types): N when given
// (1: the single-threaded reader), else the machine's cores. Refuses 0 and more than kMaxJobs.
inline constexpr unsigned kMaxJobs = 256;
unsigned decodeJobs(std::optional<unsigned> given);

}  // namespace memsift::cli
