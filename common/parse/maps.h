// Parser for /proc/PID/maps lines (also the header line of each VMA in smaps).
//
// fs/proc/task_mmu.c (show_vma_header_prefix) prints
// "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then pads to a column and prints the name:
// a path (newlines escaped as "\012", " (deleted)" appended when unlinked), "[heap]", "[stack]",
// "[vdso]", "[anon:name]", or nothing for anonymous memory. The device numbers are hex.
// A process can have 100k VMAs: use forEachMapping to avoid holding them all.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

struct Mapping {
  uint64_t start = 0;      // first virtual address
  uint64_t end = 0;        // one past the last
  std::string_view perms;  // "r-xp": read, write, exec, then 'p' private or 's' shared
  uint64_t offset = 0;     // file offset in bytes (for anonymous memory, the pgoff in bytes)
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  std::string_view path;  // leading padding removed; empty for unnamed anonymous memory
  size_t line = 0;        // 1-based line in the member

  ByteCount size() const { return ByteCount(end - start); }
  bool isShared() const { return perms.size() == 4 && perms[3] == 's'; }
  bool isWritable() const { return perms.size() == 4 && perms[1] == 'w'; }
  // Not backed by a file: no inode and no path, or a bracketed kernel name like "[heap]".
  bool isAnonymous() const { return inode == 0 && (path.empty() || path.front() == '['); }
};

// Parses one maps line; false if it is malformed (out is then unspecified).
bool parseMapsLine(std::string_view line, Mapping& out);

// Calls visit for every well-formed line, in order; reports the others. Returns how many were
// visited. An empty text is not an issue (kernel threads have no mappings).
size_t forEachMapping(std::string_view text, IssueSink& issues,
                      const std::function<void(const Mapping&)>& visit);

// All mappings, reserved once from the line count. The text must outlive the result.
std::vector<Mapping> parseMaps(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
