// Parser for /proc/PID/smaps (per VMA, streamed) and /proc/PID/smaps_rollup (one summed block).
//
// fs/proc/task_mmu.c: show_smap() prints the maps header line of each VMA, then __show_smap()
// prints "Key:<pad>N kB" lines (Size, KernelPageSize, MMUPageSize, Rss, Pss, Pss_Dirty, ...,
// Swap, SwapPss, Locked), then "THPeligible:<pad>0|1", "ProtectionKey:" (with pkeys) and
// "VmFlags: rd wr mr ...". show_smaps_rollup() prints one "[rollup]" header spanning all VMAs and
// the summed lines, including Pss_Anon/Pss_File/Pss_Shmem but no Size/KernelPageSize/MMUPageSize.
// Fields differ by kernel version (Documentation/filesystems/proc.rst): SmapsCounters says which
// ones were present; keys it does not model stay readable through SmapsVma::block.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "common/parse/maps.h"
#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

// The "N kB" fields memsift uses, in the kernel's print order.
enum class SmapsField : uint8_t {
  kSize,
  kKernelPageSize,
  kMmuPageSize,
  kRss,
  kPss,
  kPssDirty,
  kPssAnon,   // smaps_rollup only
  kPssFile,   // smaps_rollup only
  kPssShmem,  // smaps_rollup only
  kSharedClean,
  kSharedDirty,
  kPrivateClean,
  kPrivateDirty,
  kReferenced,
  kAnonymous,
  kKsm,
  kLazyFree,
  kAnonHugePages,
  kShmemPmdMapped,
  kFilePmdMapped,
  kSharedHugetlb,
  kPrivateHugetlb,
  kSwap,
  kSwapPss,
  kLocked,
  kCount
};
constexpr size_t kSmapsFieldCount = static_cast<size_t>(SmapsField::kCount);

// The key as the kernel prints it, without ':' ("Pss_Dirty", "MMUPageSize").
std::string_view smapsFieldName(SmapsField f);

struct SmapsCounters {
  std::array<ByteCount, kSmapsFieldCount> values{};
  uint32_t present = 0;  // bit i set: field i was in the text

  ByteCount operator[](SmapsField f) const { return values[static_cast<size_t>(f)]; }
  bool has(SmapsField f) const { return (present >> static_cast<unsigned>(f)) & 1u; }
  void set(SmapsField f, ByteCount v) {
    values[static_cast<size_t>(f)] = v;
    present |= 1u << static_cast<unsigned>(f);
  }
  // Adds every field except the page sizes (a sum of page sizes means nothing).
  SmapsCounters& operator+=(const SmapsCounters& o);
};

struct SmapsVma {
  Mapping mapping;  // the header line
  SmapsCounters counters;
  std::optional<uint64_t> thp_eligible;    // "THPeligible"
  std::optional<uint64_t> protection_key;  // "ProtectionKey"
  std::string_view vm_flags;               // "rd ex mr mw me" (trimmed)
  std::string_view block;  // this VMA's lines after the header, for keys not modelled above

  // True if VmFlags lists `flag` ("hg" MADV_HUGEPAGE, "nh" MADV_NOHUGEPAGE, "lo" locked, ...).
  bool hasVmFlag(std::string_view flag) const;
};

struct SmapsTotals {
  size_t vmas = 0;
  SmapsCounters counters;  // sum over the VMAs visited (present: seen in any)
};

// Streams smaps: calls visit once per VMA, in order, with a complete SmapsVma (all views into
// `text`). Malformed lines are reported and skipped; a VMA keeps the fields that did parse.
// Lines before the first header are reported. Returns the totals over all VMAs.
SmapsTotals forEachSmapsVma(std::string_view text, IssueSink& issues,
                            const std::function<void(const SmapsVma&)>& visit);
// Only the totals.
SmapsTotals parseSmapsTotals(std::string_view text, IssueSink& issues);

// smaps_rollup: the single summed block; nullopt for an empty file (kernel threads), and an issue
// if there is more than one block.
std::optional<SmapsVma> parseSmapsRollup(std::string_view text, IssueSink& issues);

// Looks up any "Key: N kB" line in a VMA's block (for keys SmapsField does not name).
std::optional<ByteCount> findSmapsSize(std::string_view block, std::string_view key);

}  // namespace memsift::parse
