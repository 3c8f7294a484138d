// memsift list: the members of a bundle in order, with sizes; damage reported at the end.
#include <cstdio>

#include "analyzer/cli/args.h"
#include "analyzer/cli/commands.h"
#include "analyzer/cli/damage_report.h"
#include "common/bundle/bundle_reader.h"
#include "common/exit_codes.h"
#include "common/text/terminal_text.h"

namespace memsift::cli {

int runList(const Args& args) {
  po::options_description options("list options");
  options.add_options()("bundle", po::value<std::string>(), "the bundle (- for stdin)");
  po::variables_map vm;
  if (!parseArgs(args, options, {"bundle"}, "memsift list BUNDLE", vm)) return kExitOk;

  bundle::InputFile input(vm["bundle"].as<std::string>());
  bundle::BundleReader reader(input);
  std::printf("%12s  %s\n", "bytes", "member");
  std::printf("%12llu  %.*s\n", static_cast<unsigned long long>(reader.manifestBytes()),
              static_cast<int>(bundle::kManifestName.size()), bundle::kManifestName.data());
  while (reader.next()) {
    // Names come from the bundle: made safe to print (an ESC in a name would reach the terminal).
    std::printf("%12llu  %s\n", static_cast<unsigned long long>(reader.current().size),
                printable(reader.current().name).c_str());
  }
  return reportDamage("list", readerDamage(reader)) ? kExitPartial : kExitOk;
}

}  // namespace memsift::cli
