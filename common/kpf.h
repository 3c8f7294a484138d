// The /proc/kpageflags bit table: kernel names, page-types names and letters, and page-types'
// rules.
//
// Sources of the facts (the code here is our own):
//   include/uapi/linux/kernel-page-flags.h  bits 0-26, the stable ABI
//   include/linux/kernel-page-flags.h       bits 32-42, "kernel hacking assistances", may change
//   fs/proc/page.c                          how stable_page_flags() fills them in
//   tools/mm/page-types.c                   names, letters, pseudo bits 47-63, raw/non-raw rules
//   Documentation/admin-guide/mm/pagemap.rst
// The analyzer's classification uses the named bit numbers and masks below; the page-types engine
// (analyzer/page_types/) uses the name table and the two transformations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace memsift::kpf {

// Bit numbers. Stable ABI (include/uapi/linux/kernel-page-flags.h).
inline constexpr unsigned kLocked = 0;
inline constexpr unsigned kError = 1;
inline constexpr unsigned kReferenced = 2;
inline constexpr unsigned kUptodate = 3;
inline constexpr unsigned kDirty = 4;
inline constexpr unsigned kLru = 5;
inline constexpr unsigned kActive = 6;
inline constexpr unsigned kSlab = 7;
inline constexpr unsigned kWriteback = 8;
inline constexpr unsigned kReclaim = 9;
inline constexpr unsigned kBuddy = 10;
inline constexpr unsigned kMmap = 11;  // computed: folio mapped anywhere
inline constexpr unsigned kAnon = 12;  // computed: mapping has PAGE_MAPPING_ANON
inline constexpr unsigned kSwapcache = 13;
inline constexpr unsigned kSwapbacked = 14;
inline constexpr unsigned kCompoundHead = 15;
inline constexpr unsigned kCompoundTail = 16;
inline constexpr unsigned kHuge = 17;  // hugetlbfs
inline constexpr unsigned kUnevictable = 18;
inline constexpr unsigned kHwpoison = 19;
inline constexpr unsigned kNopage = 20;  // a hole, on kernels before the all-zero holes
inline constexpr unsigned kKsm = 21;
inline constexpr unsigned kThp = 22;
inline constexpr unsigned kOffline = 23;  // KPF_BALLOON before 5.0
inline constexpr unsigned kZeroPage = 24;
inline constexpr unsigned kIdle = 25;
inline constexpr unsigned kPgtable = 26;  // since 4.18

// Kernel-debugging bits (include/linux/kernel-page-flags.h): not ABI.
inline constexpr unsigned kReserved = 32;
inline constexpr unsigned kMlocked = 33;
inline constexpr unsigned kOwner2 = 34;  // PG_mappedtodisk in old kernels; anon_exclusive on anon
inline constexpr unsigned kPrivate = 35;
inline constexpr unsigned kPrivate2 = 36;
inline constexpr unsigned kOwnerPrivate = 37;
inline constexpr unsigned kArch = 38;
inline constexpr unsigned kUncached = 39;
inline constexpr unsigned kSoftdirty = 40;  // never set for a PFN by the kernel
inline constexpr unsigned kArch2 = 41;
inline constexpr unsigned kArch3 = 42;

// page-types' own pseudo bits (tools/mm/page-types.c): never produced by the kernel.
inline constexpr unsigned kAnonExclusive = 47;  // bit 34 on an anonymous page
inline constexpr unsigned kReadahead = 48;      // reclaim without writeback
inline constexpr unsigned kSlobFree = 49;       // old tools only
inline constexpr unsigned kSlubFrozen = 50;     // slab + active
inline constexpr unsigned kSlubDebug = 51;      // slab + error
inline constexpr unsigned kFile = 61;           // from pagemap: never set in a PFN walk
inline constexpr unsigned kSwap = 62;           // from pagemap
inline constexpr unsigned kMmapExclusive = 63;  // from pagemap

constexpr uint64_t bit(unsigned n) {
  return uint64_t{1} << n;
}

// page-types' masks: bits 32-47 are hidden unless raw; 48-63 are the overloaded-flag expansions.
inline constexpr uint64_t kHackersBits = uint64_t{0xffff} << 32;
inline constexpr uint64_t kOverloadedBits = uint64_t{0xffff} << 48;
inline constexpr uint64_t kCompoundBits = bit(kCompoundHead) | bit(kCompoundTail);
inline constexpr uint64_t kAllBits = ~uint64_t{0};
// Bits no kernel sets in /proc/kpageflags: 27-31 (the stable ABI ends at 26, KPF_PGTABLE) and
// 43-63 (the debugging bits end at 42, KPF_ARCH_3; 47-63 are page-types' pseudo bits). Read in
// the wrong byte order, a flag word's low bytes land there: buddy (bit 10) becomes bit 50.
inline constexpr uint64_t kUndefinedBits = (uint64_t{0x1f} << 27) | (~uint64_t{0} << 43);

enum class Origin {
  kStable,     // include/uapi/linux/kernel-page-flags.h
  kDebugging,  // include/linux/kernel-page-flags.h
  kPageTypes,  // invented by tools/mm/page-types.c
};

struct FlagInfo {
  unsigned bit;
  std::string_view kernelName;  // KPF_LOCKED, ...; page-types' own #define for pseudo bits
  std::string_view longName;    // page-types' long name ("locked"), or ours where it has none
  char symbol;                  // page-types' letter; '\0' when page-types has none
  Origin origin;
  // Named in the current tools/mm/page-types.c. Bit 39 (uncached) and 49 (slob_free) were dropped
  // from it; bit 42 (arch_3) was never added. The current tool dies on a set bit it cannot name.
  bool inPageTypes;
};

// Every bit memsift knows, in bit order.
std::span<const FlagInfo> allFlags();
// The entry for a bit, or nullptr.
const FlagInfo* findFlag(unsigned bit);

// The bits the current page-types names, in bit order: the columns of its symbolic string.
inline constexpr size_t kPageTypesColumns = 43;
std::span<const FlagInfo* const> pageTypesFlags();
// Bits of `flags` that page-types has no name for (it exits with "unknown flag bit N" on them).
uint64_t unnamedPageTypesBits(uint64_t flags);

// page-types' symbolic string: one letter or '_' per named bit, in bit order. Bits without a name
// are skipped (check unnamedPageTypesBits() first to behave like page-types).
void appendSymbolic(uint64_t flags, std::string& out);
// page-types' long names joined by commas; empty for no named bit set.
void appendLongNames(uint64_t flags, std::string& out);
std::string symbolic(uint64_t flags);
std::string longNames(uint64_t flags);

// page-types without -r: hide the kernel-debugging bits 32-47, then hide compound_head/tail
// unless the page is hugetlb (well_known_flags()).
constexpr uint64_t wellKnownFlags(uint64_t flags) {
  flags &= ~kHackersBits;
  if ((flags & kCompoundBits) != 0 && (flags & bit(kHuge)) == 0) flags &= ~kCompoundBits;
  return flags;
}

// page-types -r: move overloaded kernel bits to page-types' pseudo bits
// (expand_overloaded_flags() for a PFN walk, where there is no pagemap entry). The moves toggle
// both bits, as page-types does, so a pseudo bit already set would be cleared.
constexpr uint64_t expandOverloadedFlags(uint64_t flags) {
  // Anonymous folios use PG_owner_2 (PG_anon_exclusive) since 5.19.
  if ((flags & bit(kAnon)) != 0 && (flags & bit(kOwner2)) != 0) {
    flags ^= bit(kOwner2) | bit(kAnonExclusive);
  }
  // SLUB reuses PG_active (frozen) and PG_error (debug) on slab pages.
  if ((flags & bit(kSlab)) != 0) {
    if ((flags & bit(kActive)) != 0) flags ^= bit(kActive) | bit(kSlubFrozen);
    if ((flags & bit(kError)) != 0) flags ^= bit(kError) | bit(kSlubDebug);
  }
  // PG_reclaim means PG_readahead on a page that is not under writeback.
  if ((flags & (bit(kReclaim) | bit(kWriteback))) == bit(kReclaim)) {
    flags ^= bit(kReclaim) | bit(kReadahead);
  }
  return flags;
}

}  // namespace memsift::kpf
