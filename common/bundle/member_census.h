// The members a bundle reader has seen, kept compactly and within a bound, and checked against
// index.json's member list: which listed members never came, which came unlisted, which differ in
// size or checksum. A hostile bundle can hold millions of empty members in a few MB (an 11 MB
// bundle of 4,000,000 made the reader use 1.9 GB and print 260 MB of problems), so neither what is
// kept per member nor the problems listed grow without bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bundle/damage.h"

namespace memsift::bundle {

class MemberCensus {
 public:
  // Members tracked for the index check; past this many, members are counted, not checked.
  static constexpr uint64_t kMaxTracked = 1 << 20;
  // Bytes of member names kept to name them in problems; past this, a problem gives no name.
  static constexpr uint64_t kMaxNameBytes = 32ull << 20;
  // Problems of one kind listed one by one; the rest are counted in one line.
  static constexpr size_t kListedPerKind = 20;
  // Listed members that never came, named in one line; the rest are counted.
  static constexpr size_t kNamedMissing = 3;

  // A member read whole (size, XXH64 of its bytes), or one whose frames were skipped unread.
  // `digest` is nullopt for a member whose content its own zstd frame's checksum verified (a
  // hinted frame, bundle-format.md "Checksums"): its size is checked against the index, its
  // XXH64 is not computed.
  void read(std::string_view name, uint64_t size, std::optional<uint64_t> digest);
  void skipped(std::string_view name);

  uint64_t present() const { return present_; }  // every member recorded, tracked or not
  uint64_t skippedCount() const { return skipped_; }

  // One entry of the member list of `index` (index.json, or a series' series/K/index.json);
  // problems go to `problems` (size and checksum mismatches; the checksum only when
  // `check_hash`).
  void checkEntry(const std::string& name, uint64_t size, const std::string& xxh64_hex,
                  bool check_hash, std::vector<Damage>& problems,
                  std::string_view index = "index.json");
  // After the whole list: what it named that never came, what came that it did not name.
  void finish(std::vector<Damage>& problems) const;

 private:
  struct Record {
    uint64_t key;  // XXH64 of the name: sorted on it for lookups
    uint64_t size;
    uint64_t digest;
    uint32_t name_offset;  // into names_, when kept
    uint32_t name_length;  // kNameNotKept when not
    uint32_t order;        // arrival
    bool skipped;
    bool listed;
    bool hashed;  // `digest` was computed (else the frame checksum covered the member)
  };
  static constexpr uint32_t kNameNotKept = UINT32_MAX;

  void add(std::string_view name, uint64_t size, std::optional<uint64_t> digest, bool skipped);
  std::string_view nameOf(const Record& r) const;
  void sortIfNeeded();
  void listedLine(std::vector<Damage>& problems, uint64_t& count, Damage d);

  std::vector<Record> records_;
  std::string names_;
  size_t sorted_ = 0;  // records_[0, sorted_) are sorted by key
  uint64_t present_ = 0, skipped_ = 0, untracked_ = 0;
  std::vector<std::string> missing_names_;
  uint64_t missing_count_ = 0;
  uint64_t mismatches_ = 0;  // size and checksum problems, listed up to kListedPerKind
};

}  // namespace memsift::bundle
