// Parses `memsift page-types` arguments with the semantics of tools/mm/page-types.c's main().
#include "analyzer/page_types/page_types_options.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

#include "common/error.h"
#include "common/kpf.h"

namespace memsift::page_types {
namespace {

// page-types' limits (MAX_ADDR_RANGES, MAX_BIT_FILTERS).
constexpr size_t kMaxAddrRanges = 1024;
constexpr size_t kMaxBitFilters = 64;

std::string quoted(std::string_view s) {
  return std::string("'").append(s).append("'");
}

struct LongOption {
  std::string_view name;
  bool takesArgument;
  char shortName;
};

constexpr LongOption kLongOptions[] = {
    {"raw", false, 'r'},        {"pid", true, 'p'},          {"file", true, 'f'},
    {"addr", true, 'a'},        {"bits", true, 'b'},         {"cgroup", true, 'c'},
    {"describe", true, 'd'},    {"mark-idle", false, 'i'},   {"list", false, 'l'},
    {"list-each", false, 'L'},  {"list-cgroup", false, 'C'}, {"list-mapcnt", false, 'M'},
    {"no-summary", false, 'N'}, {"hwpoison", false, 'X'},    {"unpoison", false, 'x'},
    {"kpageflags", true, 'F'},  {"help", false, 'h'},        {"jobs", true, 'j'},
};

const LongOption* findShort(char c) {
  for (const LongOption& o : kLongOptions) {
    if (o.shortName == c) return &o;
  }
  return nullptr;
}

// getopt_long: an exact name, else the only option the text is a prefix of.
const LongOption& findLong(std::string_view name) {
  const LongOption* found = nullptr;
  int matches = 0;
  for (const LongOption& o : kLongOptions) {
    if (o.name == name) return o;
    if (o.name.starts_with(name)) {
      found = &o;
      ++matches;
    }
  }
  if (matches == 1) return *found;
  if (matches > 1) throwUsage("page-types: option --" + std::string(name) + " is ambiguous");
  throwUsage("page-types: unknown option --" + std::string(name) +
             " (memsift page-types -h lists the options)");
}

[[noreturn]] void refuseLiveOption(char c) {
  std::string what;
  switch (c) {
    case 'p':
      what = "-p walks a live process's page tables";
      break;
    case 'f':
      what = "-f walks a live file's page cache";
      break;
    case 'i':
      what = "-i marks live pages idle";
      break;
    case 'X':
    case 'x':
      what = std::string("-") + c + " (un)poisons live pages";
      break;
    default:
      what = "-F names a kpageflags file; memsift reads the bundle given as argument";
      break;
  }
  throwUsage("page-types: " + what + ": not available offline");
}

void setCgroup(Options& o, std::string_view arg) {
  // parse_cgroup(): "@N" is an inode; anything else a directory whose inode is looked up.
  if (!arg.empty() && arg[0] == '@') {
    o.cgroupInode = parseNumber(arg.substr(1));
    o.cgroupPath.reset();
  } else {
    o.cgroupPath = std::string(arg);
    o.cgroupInode = 0;
  }
}

template <typename T>
void pushLimited(std::vector<T>& list, size_t limit, std::string_view what, T value) {
  if (list.size() >= limit) {
    throwUsage("page-types: too many " + std::string(what) + " (at most " + std::to_string(limit) +
               ")");
  }
  list.push_back(value);
}

// Applies one option; returns true when parsing stops here (-d, -h).
bool apply(Options& o, char c, std::string_view arg) {
  switch (c) {
    case 'r':
      o.raw = true;
      return false;
    case 'a':
      pushLimited(o.ranges, kMaxAddrRanges, "-a ranges", parseAddrSpec(arg));
      return false;
    case 'b':
      pushLimited(o.bitFilters, kMaxBitFilters, "-b filters", parseBitsSpec(arg));
      return false;
    case 'c':
      setCgroup(o, arg);
      return false;
    case 'C':
      o.listCgroup = true;
      return false;
    case 'd': {
      const uint64_t flags = parseFlagNames(arg, false);
      if (const uint64_t unnamed = kpf::unnamedPageTypesBits(flags); unnamed != 0) {
        throwUsage("page-types: -d " + quoted(arg) + ": bit " +
                   std::to_string(__builtin_ctzll(unnamed)) + " has no page-types name");
      }
      o.describe = flags;
      return true;
    }
    case 'l':
      o.list = ListMode::kRanges;
      return false;
    case 'L':
      o.list = ListMode::kEach;
      return false;
    case 'M':
      o.listMapcnt = true;
      return false;
    case 'j': {
      const uint64_t n = parseNumber(arg);
      if (n == 0 || n > 256)
        throwUsage("page-types: -j " + quoted(arg) + ": give 1 to 256 threads");
      o.jobs = static_cast<unsigned>(n);
      return false;
    }
    case 'N':
      o.noSummary = true;
      return false;
    case 'h':
      o.help = true;
      return true;
    default:
      refuseLiveOption(c);
  }
}

}  // namespace

bool BitFilter::matches(uint64_t flags) const {
  // bit_mask_ok() in page-types.c.
  if (bits == kpf::kAllBits) return (flags & mask) != 0;
  return (flags & mask) == bits;
}

uint64_t parseNumber(std::string_view text) {
  // strtoll with base 0: decimal, 0x hex or 0 octal, leading blanks and a sign allowed, stops at
  // the first character it cannot use; out of range saturates. The result is reinterpreted as
  // unsigned, so "-1" is all bits.
  const std::string s(text);
  errno = 0;
  const long long n = std::strtoll(s.c_str(), nullptr, 0);
  if (n == 0 && (s.empty() || s[0] != '0')) {
    throwUsage("page-types: invalid name or number: " + quoted(text));
  }
  return static_cast<uint64_t>(n);
}

uint64_t parseFlagName(std::string_view text) {
  if (text.empty()) return 0;
  // page-types checks "compound" first, so every prefix of it ("c" included) means head|tail.
  if (text.size() <= 8 && std::string_view("compound").starts_with(text)) {
    return kpf::kCompoundBits;
  }
  for (const kpf::FlagInfo* f : kpf::pageTypesFlags()) {
    if (f->longName.starts_with(text)) return kpf::bit(f->bit);
  }
  return parseNumber(text);
}

uint64_t parseFlagNames(std::string_view spec, bool includeNegated) {
  uint64_t flags = 0;
  size_t start = 0;
  while (true) {
    const size_t stop = spec.find_first_of(",=", start);
    std::string_view item =
        spec.substr(start, stop == std::string_view::npos ? std::string_view::npos : stop - start);
    if (item.empty() || item[0] != '~') {
      flags |= parseFlagName(item);
    } else if (includeNegated) {
      flags |= parseFlagName(item.substr(1));
    }
    if (stop == std::string_view::npos || spec[stop] != ',') break;
    start = stop + 1;
  }
  return flags;
}

BitFilter parseBitsSpec(std::string_view spec) {
  // parse_bits_mask(): "=a,b" exact; "a,b=a" and "a,~b" masked compare; "a,b" any of.
  const size_t eq = spec.find('=');
  if (eq == 0) return {kpf::kAllBits, parseFlagNames(spec.substr(1), false)};
  if (eq != std::string_view::npos) {
    return {parseFlagNames(spec, false), parseFlagNames(spec.substr(eq + 1), false)};
  }
  if (spec.find('~') != std::string_view::npos) {
    return {parseFlagNames(spec, true), parseFlagNames(spec, false)};
  }
  return {parseFlagNames(spec, false), kpf::kAllBits};
}

AddrRange parseAddrSpec(std::string_view spec) {
  // parse_addr_range(): N, N+M (M pages), N,M (up to M-1), N, (to the end), ,M or +M (from 0).
  size_t sep = spec.find(',');
  if (sep == std::string_view::npos) sep = spec.find('+');
  uint64_t start = 0;
  uint64_t size = 0;
  if (sep == 0) {
    size = parseNumber(spec.substr(1));
  } else if (sep != std::string_view::npos) {
    start = parseNumber(spec.substr(0, sep));
    if (sep + 1 == spec.size()) {
      size = ~uint64_t{0};
    } else {
      size = parseNumber(spec.substr(sep + 1));
      if (spec[sep] == ',') {
        if (size < start) {
          throwUsage("page-types: invalid range " + quoted(spec) + ": the end is before the start");
        }
        size -= start;
      }
    }
  } else {
    start = parseNumber(spec);
    size = 1;
  }
  // add_addr_range() clamps so that start + size does not wrap.
  size = std::min(size, ~uint64_t{0} - start);
  return {start, size};
}

Options parseOptions(const std::vector<std::string>& args) {
  Options o;
  std::vector<std::string_view> positionals;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i)
        positionals.push_back(args[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      positionals.push_back(a);
      continue;
    }
    if (a[1] == '-') {
      std::string_view name = a.substr(2);
      std::optional<std::string_view> value;
      if (const size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const LongOption& opt = findLong(name);
      if (!opt.takesArgument && value) {
        throwUsage("page-types: option --" + std::string(opt.name) + " takes no argument");
      }
      if (opt.takesArgument && !value) {
        if (i + 1 >= args.size()) {
          throwUsage("page-types: option --" + std::string(opt.name) + " needs an argument");
        }
        value = args[++i];
      }
      if (apply(o, opt.shortName, value.value_or(""))) return o;
      continue;
    }
    // A cluster of short options; one that takes an argument eats the rest or the next word.
    for (size_t j = 1; j < a.size(); ++j) {
      const LongOption* opt = findShort(a[j]);
      if (opt == nullptr) {
        throwUsage("page-types: unknown option -" + std::string(1, a[j]) +
                   " (memsift page-types -h lists the options)");
      }
      if (!opt->takesArgument) {
        if (apply(o, opt->shortName, "")) return o;
        continue;
      }
      std::string_view value = a.substr(j + 1);
      if (value.empty()) {
        if (i + 1 >= args.size()) {
          throwUsage("page-types: option -" + std::string(1, a[j]) + " needs an argument");
        }
        value = args[++i];
      }
      if (apply(o, opt->shortName, value)) return o;
      break;
    }
  }
  if (positionals.empty()) throwUsage("page-types: which bundle? usage: memsift page-types BUNDLE");
  if (positionals.size() > 1) {
    throwUsage("page-types: one bundle only, got " + quoted(positionals[0]) + " and " +
               quoted(positionals[1]));
  }
  o.bundle = std::string(positionals[0]);
  return o;
}

std::string usage() {
  std::string u =
      "usage: memsift page-types BUNDLE [options]\n"
      "  what the kernel's page-types prints for the bundle's /proc/kpageflags\n"
      "            -r|--raw                   Raw mode, for kernel developers\n"
      "            -d|--describe flags        Describe flags\n"
      "            -a|--addr    addr-spec     Walk a range of pages\n"
      "            -b|--bits    bits-spec     Walk pages with specified bits\n"
      "            -c|--cgroup  path|@inode   Walk pages within memory cgroup\n"
      "            -l|--list                  Show page details in ranges\n"
      "            -L|--list-each             Show page details one by one\n"
      "            -C|--list-cgroup           Show cgroup inode for pages\n"
      "            -M|--list-mapcnt           Show page map count\n"
      "            -N|--no-summary            Don't show summary info\n"
      "            -h|--help                  Show this usage message\n"
      "            -j|--jobs    N             Decode the tables in N threads (default: cores)\n"
      "flags:\n"
      "            0x10                       bitfield format, e.g.\n"
      "            anon                       bit-name, e.g.\n"
      "            0x10,anon                  comma-separated list, e.g.\n"
      "addr-spec:\n"
      "            N                          one page at offset N (unit: pages)\n"
      "            N+M                        pages range from N to N+M-1\n"
      "            N,M                        pages range from N to M-1\n"
      "            N,                         pages range from N to end\n"
      "            ,M                         pages range from 0 to M-1\n"
      "bits-spec:\n"
      "            bit1,bit2                  (flags & (bit1|bit2)) != 0\n"
      "            bit1,bit2=bit1             (flags & (bit1|bit2)) == bit1\n"
      "            bit1,~bit2                 (flags & (bit1|bit2)) == bit1\n"
      "            =bit1,bit2                 flags == (bit1|bit2)\n"
      "bit-names:\n";
  int column = 0;
  for (const kpf::FlagInfo* f : kpf::pageTypesFlags()) {
    std::string name(f->longName);
    u.append(16 - std::min<size_t>(16, name.size()), ' ');
    u += name;
    const uint64_t b = kpf::bit(f->bit);
    u += (b & kpf::kHackersBits) != 0 ? "(r)" : (b & kpf::kOverloadedBits) != 0 ? "(o)" : "   ";
    if (++column == 4) {
      column = 0;
      u += '\n';
    }
  }
  u += "\n                                   (r) raw mode bits  (o) overloaded bits\n";
  u += "-c PATH names a memory cgroup directory as it was on the captured host.\n";
  return u;
}

}  // namespace memsift::page_types
