// Compact records sorted by the XXH64 of their names: 40 bytes a member (plus its name while the
// name budget lasts) instead of a hash map node and a string each.
#include "common/bundle/member_census.h"

#include <algorithm>

#include "common/hash/xxhash64.h"

namespace memsift::bundle {

void MemberCensus::read(std::string_view name, uint64_t size, std::optional<uint64_t> digest) {
  add(name, size, digest, false);
}

void MemberCensus::skipped(std::string_view name) {
  ++skipped_;
  add(name, 0, std::nullopt, true);
}

void MemberCensus::add(std::string_view name, uint64_t size, std::optional<uint64_t> digest,
                       bool skipped) {
  ++present_;
  if (records_.size() >= kMaxTracked) {
    ++untracked_;
    return;
  }
  Record r{xxh64(name), size,         digest.value_or(0),
           0,           kNameNotKept, static_cast<uint32_t>(records_.size()),
           skipped,     false,        digest.has_value()};
  if (names_.size() + name.size() <= kMaxNameBytes) {
    r.name_offset = static_cast<uint32_t>(names_.size());
    r.name_length = static_cast<uint32_t>(name.size());
    names_.append(name);
  }
  records_.push_back(r);
}

std::string_view MemberCensus::nameOf(const Record& r) const {
  if (r.name_length == kNameNotKept) return {};
  return std::string_view(names_).substr(r.name_offset, r.name_length);
}

// Members come before the index that lists them: each series/K/index.json sorts the members
// that came since the one before and merges them in, index.json the rest.
void MemberCensus::sortIfNeeded() {
  if (sorted_ == records_.size()) return;
  // Stable: of two members of one name, the later one is what the reader kept last.
  auto byKey = [](const Record& a, const Record& b) { return a.key < b.key; };
  const auto middle = records_.begin() + static_cast<ptrdiff_t>(sorted_);
  std::stable_sort(middle, records_.end(), byKey);
  std::inplace_merge(records_.begin(), middle, records_.end(), byKey);
  sorted_ = records_.size();
}

void MemberCensus::listedLine(std::vector<Damage>& problems, uint64_t& count, Damage d) {
  if (count++ < kListedPerKind) problems.push_back(std::move(d));
}

void MemberCensus::checkEntry(const std::string& name, uint64_t size, const std::string& xxh64_hex,
                              bool check_hash, std::vector<Damage>& problems,
                              std::string_view index) {
  sortIfNeeded();
  uint64_t key = xxh64(name);
  auto [first, last] = std::equal_range(
      records_.begin(), records_.end(), Record{key, 0, 0, 0, 0, 0, false, false, false},
      [](const Record& a, const Record& b) { return a.key < b.key; });
  // Of the records with this key, those of this name (a record whose name was not kept matches
  // on the key alone: 64 bits of hash).
  Record* match = nullptr;
  for (auto it = first; it != last; ++it) {
    std::string_view kept = nameOf(*it);
    if (it->name_length != kNameNotKept && kept != name) continue;
    it->listed = true;
    match = &*it;
  }
  if (match == nullptr) {
    // Past the tracking bound a listed member may have come untracked: not called missing.
    if (untracked_ > 0) return;
    if (missing_names_.size() < kNamedMissing) missing_names_.push_back(name);
    ++missing_count_;
    return;
  }
  if (match->skipped) return;
  std::string got = xxh64Hex(match->digest);
  if (size != match->size) {
    listedLine(problems, mismatches_,
               {name, 0, DamageKind::kMismatch,
                "member " + name + " has " + std::to_string(match->size) + " bytes, " +
                    std::string(index) + " says " + std::to_string(size)});
  } else if (check_hash && match->hashed && xxh64_hex != got) {
    listedLine(problems, mismatches_,
               {name, 0, DamageKind::kMismatch,
                "checksum mismatch in member " + name + ": " + std::string(index) + " says xxh64 " +
                    xxh64_hex + ", content hashes to " + got});
  }
}

void MemberCensus::finish(std::vector<Damage>& problems) const {
  if (mismatches_ > kListedPerKind) {
    problems.push_back({"", 0, DamageKind::kMismatch,
                        std::to_string(mismatches_ - kListedPerKind) +
                            " more members differ in size or checksum from index.json"});
  }
  // After a resync whole frames of members are lost: one line for them, not one each.
  if (missing_count_ > kNamedMissing) {
    std::string names;
    for (size_t i = 0; i < missing_names_.size(); ++i)
      names.append(i ? ", " : "").append(missing_names_[i]);
    problems.push_back({"", 0, DamageKind::kMissing,
                        std::to_string(missing_count_) +
                            " members listed in index.json are missing: " + names + ", ..."});
  } else {
    for (const std::string& name : missing_names_)
      problems.push_back({name, 0, DamageKind::kMissing,
                          "member " + name + " is listed in index.json but missing"});
  }
  // The first ones in the order the members came (records are sorted by hash).
  std::vector<const Record*> unlisted;
  for (const Record& r : records_)
    if (!r.listed) unlisted.push_back(&r);
  uint64_t unlisted_count = unlisted.size();
  size_t shown = std::min(unlisted.size(), kListedPerKind);
  std::partial_sort(unlisted.begin(), unlisted.begin() + static_cast<ptrdiff_t>(shown),
                    unlisted.end(),
                    [](const Record* a, const Record* b) { return a->order < b->order; });
  unlisted.resize(shown);
  for (const Record* r : unlisted) {
    std::string_view name = nameOf(*r);
    std::string what = r->name_length == kNameNotKept ? std::string("a member (name not kept)")
                                                      : "member " + std::string(name);
    problems.push_back(
        {std::string(name), 0, DamageKind::kUnlisted,
         what + (r->skipped ? " (skipped unread)" : "") + " is not listed in index.json"});
  }
  if (unlisted_count > unlisted.size()) {
    problems.push_back({"", 0, DamageKind::kUnlisted,
                        std::to_string(unlisted_count - unlisted.size()) +
                            " more members are not listed in index.json"});
  }
  if (untracked_ > 0) {
    problems.push_back({"", 0, DamageKind::kUnlisted,
                        std::to_string(untracked_) + " members past the first " +
                            std::to_string(kMaxTracked) + " were not checked against index.json"});
  }
}

}  // namespace memsift::bundle
