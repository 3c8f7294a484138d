// BundleReader's check of index.json: parsed as it streams by (never held whole), each entry of
// its member list compared with the member seen under that name (size, XXH64), and what it lists
// that never came, or omits, reported as problems. A series' series/K/index.json is checked
// entry by entry the same way (its members are listed nowhere else).
#include <algorithm>
#include <charconv>
#include <iterator>

#include "common/bundle/bundle_reader_impl.h"
#include "common/json/bounded_json.h"

namespace memsift::bundle {

namespace {

// "ff fe" written as "fffe" (index.json's name_bytes) back to bytes; nullopt if not hex.
std::optional<std::string> decodeHexName(std::string_view hex) {
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

}  // namespace

// The current member's bytes as an input iterator for nlohmann's SAX parser, read a block at a
// time (and handed to index_sink, which memsift extract uses to write index.json as it was).
class BundleReader::Impl::MemberBytes {
 public:
  explicit MemberBytes(Impl& d) : d_(d) {}
  struct Iterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;
    MemberBytes* src = nullptr;  // null: the end
    const char& operator*() const { return src->buf_[src->pos_]; }
    Iterator& operator++() {
      ++src->pos_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return atEnd() == o.atEnd(); }
    bool operator!=(const Iterator& o) const { return !(*this == o); }
    bool atEnd() const { return src == nullptr || !src->fill(); }
  };
  Iterator begin() { return Iterator{this}; }
  Iterator end() { return Iterator{}; }

 private:
  // True while a byte is available.
  bool fill() {
    if (pos_ < len_) return true;
    pos_ = 0;
    len_ = d_.readMember(std::as_writable_bytes(std::span(buf_)));
    if (len_ > 0 && d_.index_sink) d_.index_sink(std::as_bytes(std::span(buf_.data(), len_)));
    return len_ > 0;
  }
  Impl& d_;
  std::array<char, 64 * 1024> buf_;
  size_t pos_ = 0, len_ = 0;
};

// SAX handler for index.json: entries of the top-level "members" array are checked one at a
// time (a name, its size and XXH64, held only until the entry ends); every other event goes to
// a bounded JSON builder that makes `index` without the list.
class BundleReader::Impl::IndexParser {
 public:
  using json = nlohmann::json;
  // The index without its member list goes to `kept`.
  IndexParser(Impl& d, nlohmann::json& kept) : d_(d), dom_(kept, kMaxJsonDepth, kMaxIndexMemory) {}

  bool null() {
    return scalar([&] { return dom_.null(); });
  }
  bool boolean(bool v) {
    return scalar([&] { return dom_.boolean(v); });
  }
  bool number_integer(json::number_integer_t v) {
    return scalar([&] { return dom_.number_integer(v); });
  }
  bool number_unsigned(json::number_unsigned_t v) {
    if (inEntryField() && key_ == "size") entry_.size = v;
    return scalar([&] { return dom_.number_unsigned(v); });
  }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return scalar([&] { return dom_.number_float(v, s); });
  }
  bool string(json::string_t& v) {
    if (inEntryField()) {
      if (key_ == "name") entry_.name = std::move(v), entry_.has_name = true;
      if (key_ == "name_bytes") entry_.name_bytes = std::move(v), entry_.has_name_bytes = true;
      if (key_ == "xxh64") entry_.xxh64 = std::move(v), entry_.has_xxh64 = true;
      return true;
    }
    return scalar([&] { return dom_.string(v); });
  }
  bool binary(json::binary_t& v) {
    return scalar([&] { return dom_.binary(v); });
  }
  bool key(json::string_t& k) {
    if (in_list_) {
      if (depth_ == kEntryDepth) key_ = std::move(k);
      return true;
    }
    if (depth_ == 1 && k == "members" && !list_seen_) {
      pending_list_ = true;  // taken by the value if it is an array
      return true;
    }
    return dom_.key(k);
  }
  bool start_object(std::size_t n) {
    if (!open()) return false;
    if (pending_list_ && !keepMembersKey()) return false;
    if (in_list_) {
      if (depth_ == kEntryDepth) entry_ = Entry{}, key_.clear();
      if (depth_ > kEntryDepth) entry_.nested = true;
      return true;
    }
    return dom_.start_object(n);
  }
  bool end_object() {
    --depth_;
    if (in_list_) {
      if (depth_ == kEntryDepth - 1) d_.checkIndexEntry(entry_);
      return true;
    }
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!open()) return false;
    if (pending_list_ && depth_ == kEntryDepth - 1) {
      pending_list_ = false;
      in_list_ = list_seen_ = true;
      return true;
    }
    if (in_list_) {
      if (depth_ == kEntryDepth) d_.malformedIndexEntry();
      if (depth_ > kEntryDepth) entry_.nested = true;
      return true;
    }
    return dom_.start_array(n);
  }
  bool end_array() {
    --depth_;
    if (in_list_) {
      if (depth_ == 1) in_list_ = false;
      return true;
    }
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& ex) {
    return dom_.parse_error(position, token, ex);
  }
  const std::string& error() const { return error_.empty() ? dom_.error() : error_; }
  bool listSeen() const { return list_seen_; }

 private:
  static constexpr size_t kEntryDepth = 3;  // root object, "members" array, entry object
  bool inEntryField() const { return in_list_ && depth_ == kEntryDepth; }
  bool open() {
    if (++depth_ <= kMaxJsonDepth) return true;
    error_ = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return false;
  }
  // A scalar: part of an entry, a malformed entry, or (outside the list) kept. A "members"
  // key whose value is not an array goes to the kept value, as it was written.
  template <typename F>
  bool scalar(F keep) {
    if (in_list_) {
      if (depth_ == kEntryDepth - 1) d_.malformedIndexEntry();
      return true;
    }
    if (pending_list_ && !keepMembersKey()) return false;
    return keep();
  }
  bool keepMembersKey() {
    pending_list_ = false;
    std::string k = "members";
    return dom_.key(k);
  }
  Impl& d_;
  BoundedJsonBuilder dom_;
  size_t depth_ = 0;
  bool pending_list_ = false, in_list_ = false, list_seen_ = false;
  std::string key_;
  Entry entry_;
  std::string error_;
};

uint64_t BundleReader::Impl::indexAllowance() const {
  uint64_t present = census.present() + 1;
  uint64_t lost = kMembersPerLostFrame * std::min<uint64_t>(resumes, kMaxCountedResumes);
  return std::min(kMaxIndexBytes, kIndexBaseBytes + kIndexBytesPerMember * (present + lost));
}

bool BundleReader::Impl::readIndex() {
  uint64_t allowed = indexAllowance();
  if (member.size > allowed) {
    setDamage(corrupt(member.name, "bundle corrupt: index.json claims " +
                                       std::to_string(member.size) + " bytes, more than the " +
                                       std::to_string(allowed) + " a bundle of " +
                                       std::to_string(census.present()) + " members can need"),
              Resume::kNo);
    return false;
  }
  IndexParser parser(*this, index);
  MemberBytes bytes(*this);
  bool ok = nlohmann::json::sax_parse(bytes.begin(), bytes.end(), &parser,
                                      nlohmann::json::input_format_t::json, /*strict=*/true);
  if (ended) {  // the stream broke inside the index: damage already says where
    index = nlohmann::json();
    return false;
  }
  if (!ok || !parser.error().empty() || !index.is_object()) {
    index = nlohmann::json();
    setDamage(corrupt(member.name,
                      "bundle corrupt: index.json is not a JSON object" +
                          (parser.error().empty() ? std::string() : " (" + parser.error() + ")")),
              Resume::kNo);
    return false;
  }
  finishIndexCheck(parser.listSeen());
  mergeSeriesSources();
  return closeMember();
}

bool BundleReader::Impl::readSeriesIndex() {
  // As index.json's: what the members read so far can need (the snapshot's are among them).
  const uint64_t allowed = std::min(indexAllowance(), kMaxSeriesIndexBytes);
  if (member.size > allowed) {
    problems.push_back({member.name, 0, DamageKind::kMalformed,
                        member.name + " claims " + std::to_string(member.size) +
                            " bytes, more than the " + std::to_string(allowed) +
                            " its snapshot can need: not checked"});
    return true;  // an ordinary member, then
  }
  bool cut = false;
  if (!readUpTo(series_index_text, allowed, cut)) return false;
  nlohmann::json kept;
  IndexParser parser(*this, kept);
  const bool ok = nlohmann::json::sax_parse(series_index_text, &parser,
                                            nlohmann::json::input_format_t::json, /*strict=*/true);
  if (!ok || !parser.error().empty() || !kept.is_object() || !parser.listSeen()) {
    problems.push_back({member.name, 0, DamageKind::kMalformed,
                        member.name + " is not a series index: its members are not checked"});
  } else if (const nlohmann::json& s = kept["sources"]; s.is_array()) {
    for (const nlohmann::json& source : s) {
      if (series_sources.size() < kMaxSeriesSources) {
        series_sources.push_back(source);
      } else {
        ++series_sources_dropped;
      }
    }
  }
  series_index = true;
  series_index_pos = 0;
  return true;
}

void BundleReader::Impl::mergeSeriesSources() {
  if (series_sources.empty() && series_sources_dropped == 0) return;
  nlohmann::json& sources = index["sources"];
  if (!sources.is_array()) sources = nlohmann::json::array();
  for (nlohmann::json& s : sources)
    series_sources.push_back(std::move(s));
  sources = std::move(series_sources);
  series_sources = nlohmann::json::array();
  if (series_sources_dropped > 0) index["series_sources_not_kept"] = series_sources_dropped;
}

void BundleReader::Impl::malformedIndexEntry() {
  if (!index_malformed_reported)
    problems.push_back({std::string(kIndexName), 0, DamageKind::kMalformed,
                        "index.json has a malformed member entry"});
  index_malformed_reported = true;
}

void BundleReader::Impl::checkIndexEntry(Entry& e) {
  ++index_entries;
  if (e.nested || !e.has_name || !e.size || !e.has_xxh64) {
    malformedIndexEntry();
    return;
  }
  // A name that is not UTF-8 is written lossily in "name" and exactly, hex-encoded, in
  // "name_bytes" (docs/bundle-format.md); older bundles have only "name".
  if (e.has_name_bytes) {
    std::optional<std::string> raw = decodeHexName(e.name_bytes);
    if (!raw) {
      malformedIndexEntry();
      return;
    }
    e.name = std::move(*raw);
  }
  census.checkEntry(e.name, *e.size, e.xxh64, hash_members, problems, member.name);
}

void BundleReader::Impl::finishIndexCheck(bool list_seen) {
  if (!list_seen) {
    problems.push_back({std::string(kIndexName), 0, DamageKind::kUnlisted,
                        "index.json has no member list: checksums not verified"});
    return;
  }
  census.finish(problems);
}

}  // namespace memsift::bundle
