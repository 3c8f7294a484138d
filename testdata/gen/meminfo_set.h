// memsift-testgen --meminfo-set KEY=VALUE: one counter of a written root's proc/meminfo replaced,
// to replay a kernel whose accounting is wrong (issue 13 §2: Inactive(file) at 15x MemTotal).
#pragma once

#include <filesystem>
#include <string>

namespace memsift::testgen {

// Checks "KEY=VALUE": VALUE is kB ("1024") or a multiple of MemTotal ("15x", "1.1x").
bool validMeminfoSet(const std::string& set);
// Replaces KEY's value in ROOT/proc/meminfo (throws when the file lacks KEY).
void applyMeminfoSet(const std::filesystem::path& root, const std::string& set);

}  // namespace memsift::testgen
