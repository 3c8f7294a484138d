// An ordered list of {key, value} parsed from a /proc file, with a sorted index for lookups.
//
// The kernel adds keys to meminfo, vmstat, status and memory.stat in most releases, so parsers
// keep every key they see, in file order, instead of a fixed struct. Keys are string_views into
// the parsed text: the text must outlive the list. Entries are reserved once (from a line count)
// and the index is built once by finish(); lookups are binary searches.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"

namespace memsift::parse {

template <typename Value>
struct KeyedEntry {
  std::string_view key;
  Value value{};
  size_t line = 0;  // 1-based line in the member, to cite as evidence
};

template <typename Value>
class KeyedList {
 public:
  using Entry = KeyedEntry<Value>;

  void reserve(size_t n) { entries_.reserve(n); }
  // Call finish() after the last add().
  void add(std::string_view key, Value value, size_t line) {
    entries_.push_back(Entry{key, value, line});
  }
  // Builds the lookup index and reports every repeated key (the first one wins, as a reader of
  // the file top to bottom would take it).
  void finish(IssueSink& issues) {
    index_.resize(entries_.size());
    for (size_t i = 0; i < index_.size(); ++i)
      index_[i] = static_cast<uint32_t>(i);
    std::stable_sort(index_.begin(), index_.end(),
                     [&](uint32_t a, uint32_t b) { return entries_[a].key < entries_[b].key; });
    for (size_t i = 1; i < index_.size(); ++i) {
      const Entry& prev = entries_[index_[i - 1]];
      const Entry& cur = entries_[index_[i]];
      if (prev.key == cur.key) {
        issues.report(cur.line, cur.key,
                      "key repeated (first seen on line " + std::to_string(prev.line) +
                          "); the first value is used");
      }
    }
  }

  // The entry of `key` (the first one if repeated), or nullptr. Needs finish().
  const Entry* find(std::string_view key) const {
    auto it = std::lower_bound(index_.begin(), index_.end(), key,
                               [&](uint32_t i, std::string_view k) { return entries_[i].key < k; });
    if (it == index_.end() || entries_[*it].key != key) return nullptr;
    return &entries_[*it];
  }
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  std::optional<Value> value(std::string_view key) const {
    const Entry* e = find(key);
    if (!e) return std::nullopt;
    return e->value;
  }

  const std::vector<Entry>& entries() const { return entries_; }  // file order
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
  std::vector<uint32_t> index_;
};

// "key value" lines of unsigned numbers: /proc/vmstat, cgroup memory.stat, zoneinfo counters.
using KeyValues = KeyedList<uint64_t>;

// Parses a whole file of "key value" lines (one blank-separated key, one decimal u64). Bad lines
// are reported with `expected` (e.g. "expected 'key value'") and skipped; an empty file is
// reported. The text must outlive the result.
KeyValues parseKeyValueLines(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
