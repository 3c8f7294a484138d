// Shared command-line parsing for the subcommands.
#include "analyzer/cli/args.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <thread>

#include "common/error.h"

namespace memsift::cli {

namespace {

// Positional arguments by the names the usage line gives them (BUNDLE, DIR), with what they are;
// then the options, each with its value's name. Boost alone would list a positional argument as
// an option ("--bundle arg").
void printHelp(const po::options_description& options, const std::vector<std::string>& positional,
               const std::string& usage) {
  std::cout << "usage: " << usage << "\n\n";
  po::options_description shown("options");
  for (const auto& option : options.options()) {
    const std::string& name = option->long_name();
    if (std::find(positional.begin(), positional.end(), name) == positional.end()) {
      shown.add(option);
      continue;
    }
    std::string upper = name;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::cout << "  " << upper << std::string(upper.size() < 8 ? 8 - upper.size() : 1, ' ')
              << option->description() << "\n";
  }
  std::cout << "\n" << shown << "\n";
}

}  // namespace

bool parseArgs(const std::vector<std::string>& args, po::options_description& options,
               const std::vector<std::string>& positional, const std::string& usage,
               po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  // A last positional named "NAME..." takes every argument left (NAME is its option).
  std::vector<std::string> names;
  for (const std::string& name : positional) {
    const bool rest = name.ends_with("...");
    names.push_back(rest ? name.substr(0, name.size() - 3) : name);
    pos.add(names.back().c_str(), rest ? -1 : 1);
  }
  try {
    po::store(po::command_line_parser(args).options(options).positional(pos).run(), vm);
    if (vm.count("help")) {
      printHelp(options, names, usage);
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throwUsage(std::string(e.what()) + "\nusage: " + usage);
  }
  for (const std::string& name : names) {
    if (!vm.count(name)) throwUsage("missing " + name + "\nusage: " + usage);
  }
  return true;
}

unsigned decodeJobs(std::optional<unsigned> given) {
  if (!given) return std::max(1u, std::min(kMaxJobs, std::thread::hardware_concurrency()));
  if (*given == 0 || *given > kMaxJobs) {
    throwUsage("--jobs " + std::to_string(*given) + ": give 1 to " + std::to_string(kMaxJobs) +
               " threads (1 reads the bundle in one thread)");
  }
  return *given;
}

}  // namespace memsift::cli
