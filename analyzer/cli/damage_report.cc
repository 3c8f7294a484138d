// Damage records printed the same way by every command.
#include "analyzer/cli/damage_report.h"

#include <cstdio>

#include "common/text/terminal_text.h"

namespace memsift::cli {

std::vector<bundle::Damage> readerDamage(const bundle::BundleReader& reader) {
  std::vector<bundle::Damage> all;
  if (reader.damage()) all.push_back(*reader.damage());
  all.insert(all.end(), reader.problems().begin(), reader.problems().end());
  return all;
}

bool reportDamage(const char* command, std::span<const bundle::Damage> damage) {
  for (const bundle::Damage& d : damage)
    std::fprintf(stderr, "memsift %s: %s\n", command, printable(d.text).c_str());
  return !damage.empty();
}

}  // namespace memsift::cli
