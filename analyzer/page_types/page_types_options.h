// Command line of `memsift page-types BUNDLE [options]`: the kernel page-types tool's syntax,
// offline.
//
// Accepted as tools/mm/page-types.c accepts them (getopt_long: clustered short options, attached
// or separate arguments, --long[=arg] and unambiguous --long prefixes, positionals anywhere):
//   -r --raw  -l --list  -L --list-each  -N --no-summary  -C --list-cgroup  -M --list-mapcnt
//   -b --bits SPEC   -a --addr SPEC   -c --cgroup PATH|@INODE   -d --describe FLAGS   -h --help
//   and ours: -j --jobs N (threads that decode the tables)
// The live-system options (-p, -f, -i, -X, -x, -F) are refused with a reason. Errors throw
// memsift::Error(kUsage) with our own wording; what is accepted, and what each spec means, is
// page-types' (including its quirks: numbers are read by strtoll() and trailing junk ignored,
// "c"/"co"/.../"compound" select both compound bits, names match by prefix in bit order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memsift::page_types {

enum class ListMode {
  kNone,
  kRanges,  // -l: one row per run of equal pages
  kEach,    // -L: one row per page
};

// -a: pages [start, start + size). size is clamped so that start + size cannot overflow.
struct AddrRange {
  uint64_t start = 0;
  uint64_t size = 0;
  uint64_t end() const { return start + size; }
  bool operator==(const AddrRange&) const = default;
};

// -b: when bits == kpf::kAllBits a page matches if any bit of mask is set; otherwise it matches
// if (flags & mask) == bits. Several filters must all match.
struct BitFilter {
  uint64_t mask = 0;
  uint64_t bits = 0;
  bool matches(uint64_t flags) const;
  bool operator==(const BitFilter&) const = default;
};

struct Options {
  std::string bundle;  // the one positional argument; may be empty with -d or -h
  bool raw = false;
  ListMode list = ListMode::kNone;
  bool listCgroup = false;        // -C
  bool listMapcnt = false;        // -M (printed only with -l/-L, as in page-types)
  bool noSummary = false;         // -N
  std::vector<AddrRange> ranges;  // empty: every page
  std::vector<BitFilter> bitFilters;
  // -c: a path to resolve to an inode through the bundle's cgroup map, or @INODE directly.
  // The last -c wins. An inode of 0 means no filter (page-types treats "-c @0" so).
  std::optional<std::string> cgroupPath;
  uint64_t cgroupInode = 0;
  std::optional<uint64_t> describe;  // -d FLAGS: print their description and nothing else
  bool help = false;                 // -h
  // -j/--jobs N (ours, not page-types'): threads that decode the page tables; unset: the
  // machine's cores.
  std::optional<unsigned> jobs;
};

// Parses the arguments after "page-types" (the bundle path among them). Like page-types, -d and
// -h end the parsing: what follows them is not looked at.
Options parseOptions(const std::vector<std::string>& args);

// The pieces, exposed for tests and for other commands that take page-types specs.
// A number as page-types reads it: strtoll(str, NULL, 0); 0 is valid only when spelled with a
// leading '0'. Throws kUsage otherwise.
uint64_t parseNumber(std::string_view text);
// One flag name or number: "compound" (or any prefix of it) is both compound bits; otherwise the
// first page-types name (in bit order) the text is a prefix of; otherwise a number.
uint64_t parseFlagName(std::string_view text);
// A comma-separated list, up to the first '=' or the end; "~name" items are skipped unless
// includeNegated (then they count without the '~').
uint64_t parseFlagNames(std::string_view spec, bool includeNegated);
BitFilter parseBitsSpec(std::string_view spec);
AddrRange parseAddrSpec(std::string_view spec);

// `-h` text.
std::string usage();

}  // namespace memsift::page_types
