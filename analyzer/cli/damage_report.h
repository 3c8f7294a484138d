// How every command tells the user what of a bundle was damaged: one line per record on stderr,
// "memsift COMMAND: TEXT", the text made safe to print (it names members from the bundle).
#pragma once

#include <span>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/damage.h"

namespace memsift::cli {

// The reader's first damage, then its problems.
std::vector<bundle::Damage> readerDamage(const bundle::BundleReader& reader);

// Prints `damage`; returns whether there was any.
bool reportDamage(const char* command, std::span<const bundle::Damage> damage);

}  // namespace memsift::cli
