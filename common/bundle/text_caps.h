// How much of each kind of text member a reader keeps: defined here, in one place. A bundle is
// hostile input: 197 KB of compressed zeros can claim three 2 GiB text members, and a reader that
// takes what a member claims (or holds) whole runs out of memory. Each kind of /proc or sysfs
// file has a size it never exceeds on a real host; past it the member is cut, and the cut is
// reported. smaps and cgroup.procs are not kept at all but read as they stream by.
#pragma once

#include <cstdint>
#include <string_view>

namespace memsift::bundle {

struct TextCap {
  uint64_t bytes;         // the most kept of one member
  std::string_view kind;  // "meminfo", for the message naming the cut
  bool cut_is_damage;     // false where a cut loses nothing the analysis uses (cmdline)
};

// The cap for a member by its name; kMaxTextMemberBytes (what the writer puts in one member) for
// any name not listed.
TextCap keptTextCap(std::string_view member);

}  // namespace memsift::bundle
