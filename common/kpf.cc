// The /proc/kpageflags bit table and page-types' way of naming flags (see kpf.h for the sources).
#include "common/kpf.h"

#include <array>

namespace memsift::kpf {
namespace {

constexpr FlagInfo kFlags[] = {
    // include/uapi/linux/kernel-page-flags.h; letters and long names from tools/mm/page-types.c.
    {kLocked, "KPF_LOCKED", "locked", 'L', Origin::kStable, true},
    {kError, "KPF_ERROR", "error", 'E', Origin::kStable, true},
    {kReferenced, "KPF_REFERENCED", "referenced", 'R', Origin::kStable, true},
    {kUptodate, "KPF_UPTODATE", "uptodate", 'U', Origin::kStable, true},
    {kDirty, "KPF_DIRTY", "dirty", 'D', Origin::kStable, true},
    {kLru, "KPF_LRU", "lru", 'l', Origin::kStable, true},
    {kActive, "KPF_ACTIVE", "active", 'A', Origin::kStable, true},
    {kSlab, "KPF_SLAB", "slab", 'S', Origin::kStable, true},
    {kWriteback, "KPF_WRITEBACK", "writeback", 'W', Origin::kStable, true},
    {kReclaim, "KPF_RECLAIM", "reclaim", 'I', Origin::kStable, true},
    {kBuddy, "KPF_BUDDY", "buddy", 'B', Origin::kStable, true},
    {kMmap, "KPF_MMAP", "mmap", 'M', Origin::kStable, true},
    {kAnon, "KPF_ANON", "anonymous", 'a', Origin::kStable, true},
    {kSwapcache, "KPF_SWAPCACHE", "swapcache", 's', Origin::kStable, true},
    {kSwapbacked, "KPF_SWAPBACKED", "swapbacked", 'b', Origin::kStable, true},
    {kCompoundHead, "KPF_COMPOUND_HEAD", "compound_head", 'H', Origin::kStable, true},
    {kCompoundTail, "KPF_COMPOUND_TAIL", "compound_tail", 'T', Origin::kStable, true},
    {kHuge, "KPF_HUGE", "huge", 'G', Origin::kStable, true},
    {kUnevictable, "KPF_UNEVICTABLE", "unevictable", 'u', Origin::kStable, true},
    {kHwpoison, "KPF_HWPOISON", "hwpoison", 'X', Origin::kStable, true},
    {kNopage, "KPF_NOPAGE", "nopage", 'n', Origin::kStable, true},
    {kKsm, "KPF_KSM", "ksm", 'x', Origin::kStable, true},
    {kThp, "KPF_THP", "thp", 't', Origin::kStable, true},
    {kOffline, "KPF_OFFLINE", "offline", 'o', Origin::kStable, true},
    {kZeroPage, "KPF_ZERO_PAGE", "zero_page", 'z', Origin::kStable, true},
    {kIdle, "KPF_IDLE", "idle_page", 'i', Origin::kStable, true},
    {kPgtable, "KPF_PGTABLE", "pgtable", 'g', Origin::kStable, true},
    // include/linux/kernel-page-flags.h.
    {kReserved, "KPF_RESERVED", "reserved", 'r', Origin::kDebugging, true},
    {kMlocked, "KPF_MLOCKED", "mlocked", 'm', Origin::kDebugging, true},
    {kOwner2, "KPF_OWNER_2", "owner_2", 'd', Origin::kDebugging, true},
    {kPrivate, "KPF_PRIVATE", "private", 'P', Origin::kDebugging, true},
    {kPrivate2, "KPF_PRIVATE_2", "private_2", 'p', Origin::kDebugging, true},
    {kOwnerPrivate, "KPF_OWNER_PRIVATE", "owner_private", 'O', Origin::kDebugging, true},
    {kArch, "KPF_ARCH", "arch", 'h', Origin::kDebugging, true},
    // Dropped from page-types' names when the kernel stopped setting it.
    {kUncached, "KPF_UNCACHED", "uncached", 'c', Origin::kDebugging, false},
    {kSoftdirty, "KPF_SOFTDIRTY", "softdirty", 'f', Origin::kDebugging, true},
    {kArch2, "KPF_ARCH_2", "arch_2", 'H', Origin::kDebugging, true},
    // page-types has no name for it: arm64 (MTE) may set it.
    {kArch3, "KPF_ARCH_3", "arch_3", '\0', Origin::kDebugging, false},
    // tools/mm/page-types.c's own bits.
    {kAnonExclusive, "KPF_ANON_EXCLUSIVE", "anon_exclusive", 'd', Origin::kPageTypes, true},
    {kReadahead, "KPF_READAHEAD", "readahead", 'I', Origin::kPageTypes, true},
    {kSlobFree, "KPF_SLOB_FREE", "slob_free", 'P', Origin::kPageTypes, false},
    {kSlubFrozen, "KPF_SLUB_FROZEN", "slub_frozen", 'A', Origin::kPageTypes, true},
    {kSlubDebug, "KPF_SLUB_DEBUG", "slub_debug", 'E', Origin::kPageTypes, true},
    {kFile, "KPF_FILE", "file", 'F', Origin::kPageTypes, true},
    {kSwap, "KPF_SWAP", "swap", 'w', Origin::kPageTypes, true},
    {kMmapExclusive, "KPF_MMAP_EXCLUSIVE", "mmap_exclusive", '1', Origin::kPageTypes, true},
};

constexpr size_t countPageTypes() {
  size_t n = 0;
  for (const FlagInfo& f : kFlags)
    n += f.inPageTypes ? 1 : 0;
  return n;
}

constexpr size_t kPageTypesCount = countPageTypes();
static_assert(kPageTypesCount == kPageTypesColumns, "the current page-types names 43 bits");

struct PageTypesTable {
  std::array<const FlagInfo*, kPageTypesCount> flags{};
  uint64_t named = 0;
};

const PageTypesTable& pageTypesTable() {
  static const PageTypesTable table = [] {
    PageTypesTable t;
    size_t j = 0;
    for (const FlagInfo& f : kFlags) {
      if (!f.inPageTypes) continue;
      t.flags[j++] = &f;
      t.named |= bit(f.bit);
    }
    return t;
  }();
  return table;
}

}  // namespace

std::span<const FlagInfo> allFlags() {
  return kFlags;
}

const FlagInfo* findFlag(unsigned b) {
  for (const FlagInfo& f : kFlags) {
    if (f.bit == b) return &f;
  }
  return nullptr;
}

std::span<const FlagInfo* const> pageTypesFlags() {
  return pageTypesTable().flags;
}

uint64_t unnamedPageTypesBits(uint64_t flags) {
  return flags & ~pageTypesTable().named;
}

void appendSymbolic(uint64_t flags, std::string& out) {
  for (const FlagInfo* f : pageTypesTable().flags) {
    out.push_back(((flags >> f->bit) & 1) != 0 ? f->symbol : '_');
  }
}

void appendLongNames(uint64_t flags, std::string& out) {
  bool first = true;
  for (const FlagInfo* f : pageTypesTable().flags) {
    if (((flags >> f->bit) & 1) == 0) continue;
    if (!first) out.push_back(',');
    out.append(f->longName);
    first = false;
  }
}

std::string symbolic(uint64_t flags) {
  std::string s;
  appendSymbolic(flags, s);
  return s;
}

std::string longNames(uint64_t flags) {
  std::string s;
  appendLongNames(flags, s);
  return s;
}

}  // namespace memsift::kpf
