// What is wrong with a bundle, as a record: which member, how far into it, what kind of damage,
// and the sentence a user reads. The reader and the page-frame stream produce these; every
// command prints them the same way (analyzer/cli/damage_report.h), and the report keeps the
// records (the JSON report gives each field, docs/report-schema.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace memsift::bundle {

enum class DamageKind {
  kTruncated,  // the stream ends early: what came before is intact
  kCorrupt,    // bytes that do not decode (zstd, tar): what came with them is dropped
  kRefused,    // a claim the reader will not act on (an unsafe name, an implausible size)
  kMismatch,   // a member's size or checksum differs from index.json
  kMissing,    // index.json lists a member that never came
  kUnlisted,   // a member index.json does not list, or index.json has no list
  kMalformed,  // a member whose content breaks its format (a page-table chunk not of frames)
  kResumed,    // reading went on at a later zstd frame: members in between are lost
};

// "truncated", "corrupt", ...: the kind as the JSON report names it (docs/report-schema.md).
constexpr std::string_view damageKindName(DamageKind kind) {
  switch (kind) {
    case DamageKind::kTruncated:
      return "truncated";
    case DamageKind::kCorrupt:
      return "corrupt";
    case DamageKind::kRefused:
      return "refused";
    case DamageKind::kMismatch:
      return "mismatch";
    case DamageKind::kMissing:
      return "missing";
    case DamageKind::kUnlisted:
      return "unlisted";
    case DamageKind::kMalformed:
      return "malformed";
    case DamageKind::kResumed:
      return "resumed";
  }
  return "corrupt";
}

struct Damage {
  std::string member;   // the member it concerns; "" when it concerns the stream between members
  uint64_t offset = 0;  // bytes into that member where reading stopped (0 when not known)
  DamageKind kind = DamageKind::kCorrupt;
  std::string text;  // "bundle truncated in member proc/1/smaps at byte 4096"
};

}  // namespace memsift::bundle
