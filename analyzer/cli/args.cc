// Shared command-line parsing for the subcommands.
#include "analyzer/cli/args.h"

#include <iostream>

#include "common/error.h"

namespace memsift::cli {

bool parseArgs(const std::vector<std::string>& args, po::options_description& options,
               const std::vector<std::string>& positional, const std::string& usage,
               po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  for (const std::string& name : positional)
    pos.add(name.c_str(), 1);
  try {
    po::store(po::command_line_parser(args).options(options).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << usage << "\n\n" << options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throwUsage(std::string(e.what()) + "\nusage: " + usage);
  }
  for (const std::string& name : positional) {
    if (!vm.count(name)) throwUsage("missing " + name + "\nusage: " + usage);
  }
  return true;
}

}  // namespace memsift::cli
