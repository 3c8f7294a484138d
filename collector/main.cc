// memsift-collect: the entry point. Everything happens in the memsift_collector library; here
// only errors become messages and exit codes ("exceptions inside, exit codes at the edge").
#include <cstdio>
#include <exception>

#include "collector/cli.h"
#include "collector/collection.h"
#include "common/error.h"
#include "common/exit_codes.h"
#include "common/target_arch.h"
#include "memsift/version.h"

int main(int argc, char** argv) {
  using namespace memsift;
  try {
    collector::CollectOptions options;
    switch (collector::parseCommandLine(argc, argv, options)) {
      case collector::CliAction::kHelp:
        std::fputs(collector::helpText().c_str(), stdout);
        return kExitOk;
      case collector::CliAction::kVersion:
        std::printf("memsift-collect %s for %s (bundle format %d.%d)\n", kToolVersion, kTargetArch,
                    kBundleFormatMajor, kBundleFormatMinor);
        return kExitOk;
      case collector::CliAction::kCollect:
        break;
    }
    return collector::runCollection(options);
  } catch (const Error& e) {
    std::fprintf(stderr, "memsift-collect: %s\n", e.what());
    if (e.kind() == ErrorKind::kOutput) {
      std::fputs("memsift-collect: no bundle was written (the partial file was removed)\n", stderr);
    }
    return exitCodeFor(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "memsift-collect: internal error: %s\n", e.what());
    return kExitInternal;
  }
}
