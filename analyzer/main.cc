// memsift: the analyzer's entry point; everything happens in analyzer/cli.
#include "analyzer/cli/commands.h"

int main(int argc, char** argv) {
  return memsift::cli::runCli(argc, argv);
}
