// The bundle reader: zstd stream -> tar members, hashed as they stream by, checked against
// index.json at the end. Damage stops reading with a message saying where; it never throws.
#include "common/bundle/bundle_reader.h"

#include <array>
#include <charconv>
#include <functional>
#include <iterator>

#include "common/bundle/file_kind.h"
#include "common/bundle/manifest_check.h"
#include "common/bundle/member_census.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_stream.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"
#include "common/json/bounded_json.h"
#include "common/json/json_field.h"
#include "memsift/version.h"

namespace memsift::bundle {

namespace {
// One entry of index.json's member list, while it is parsed.
struct Entry {
  std::string name, name_bytes, xxh64;
  std::optional<uint64_t> size;
  bool has_name = false, has_name_bytes = false, has_xxh64 = false;
  bool nested = false;  // an array or object inside the entry: malformed
};

// What parsed JSON may take in memory (BoundedJsonBuilder's count): a manifest is a few KiB; the
// index without its member list holds the sources not captured (a few hundred bytes each).
constexpr uint64_t kMaxManifestMemory = 32ull << 20;
constexpr uint64_t kMaxIndexMemory = 64ull << 20;
// index.json's size allowance (see indexAllowance()).
constexpr uint64_t kIndexBaseBytes = 1ull << 20;
constexpr uint64_t kIndexBytesPerMember = 1024;
// A lost frame ends at the first member boundary after 8 MiB: at most 8 MiB / 512-byte headers.
constexpr uint64_t kMembersPerLostFrame = (8ull << 20) / tar::kBlock + 1;
constexpr uint64_t kMaxCountedResumes = 64;

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

struct BundleReader::Impl {
  Impl(ByteSource& source, bool hash_members)
      : head(source), zstd(head), hash_members(hash_members) {}

  HeadRecorder head;  // the first bytes, to say what a file that is not a bundle is
  ZstdDecoder zstd;
  bool hash_members = true;
  nlohmann::json manifest;
  std::string manifest_text;  // as it is in the bundle
  nlohmann::json index;       // without its member list, which is checked as it streams by
  std::function<void(std::span<const std::byte>)> index_sink;
  uint64_t index_entries = 0;
  bool index_malformed_reported = false;
  int major = 0, minor = 0;
  uint64_t manifest_bytes = 0;

  MemberInfo member;         // the current member
  bool have_member = false;  // a member is current (data may remain)
  uint64_t member_left = 0;  // unread data bytes of the current member
  Xxh64 hash;                // of the current member's bytes read so far
  std::string last_name;     // last member whose header was read, for messages
  bool ended = false;        // next() returned false
  bool clean_end = false;
  std::optional<std::string> damage;
  std::vector<std::string> problems;
  MemberCensus census;  // the members seen or skipped, for the index check
  std::string scratch;
  bool resumable = false;  // the last damage allows resume()
  uint64_t resumes = 0;
  bool member_corrupt = false;        // the current member was cut by corrupt data
  std::array<bool, 3> skip_tables{};  // page tables the caller does not want

  bool unwanted(const std::optional<PageChunkName>& chunk) const {
    return chunk && skip_tables[static_cast<size_t>(chunk->table)];
  }

  // Records the members whose frames the zstd layer skipped (they count as present).
  void noteSkipped() {
    for (MemberHint& h : zstd.takeSkippedMembers()) {
      last_name = h.member;
      census.skipped(h.member);
    }
  }

  // Reads exactly n bytes unless the stream ends or breaks; returns how many were read.
  size_t readRaw(std::byte* p, size_t n) {
    size_t got = 0;
    while (got < n) {
      size_t r = zstd.read(std::span(p + got, n - got));
      if (r == 0) break;
      got += r;
    }
    if (zstd.skippedPending()) noteSkipped();
    return got;
  }

  // "after member X", or "at the start of the bundle" before the first member.
  std::string afterLast() const {
    return last_name.empty() ? "at the start of the bundle" : "after member " + last_name;
  }

  // Whether reading may go on after a damage, at the next zstd frame (frames start at member
  // boundaries): after corrupt data, yes; after the stream simply ends, or a refusal, no.
  enum class Resume { kIfStreamCorrupt, kYes, kNo };

  // The first damage is the bundle's damage(); later ones (after a resync) are problems.
  void setDamage(std::string message, Resume resume = Resume::kIfStreamCorrupt) {
    if (!damage) {
      damage = std::move(message);
    } else {
      problems.push_back(std::move(message));
    }
    ended = true;
    resumable = resume == Resume::kYes || (resume == Resume::kIfStreamCorrupt &&
                                           zstd.state() == ZstdDecoder::State::kCorrupt);
    member_corrupt = have_member && resumable;
  }

  // After a resumable damage: on at the next zstd frame, the member in progress abandoned.
  bool resume() {
    if (!resumable) return false;
    resumable = false;
    uint64_t from = zstd.compressedOffset();
    if (!zstd.skipToNextFrame()) return false;
    problems.push_back("reading resumed at compressed byte " +
                       std::to_string(zstd.compressedOffset()) + " (the next zstd frame, " +
                       std::to_string(zstd.compressedOffset() - from) +
                       " bytes skipped): members in between are lost");
    have_member = false;
    member_left = 0;
    ended = false;
    ++resumes;
    return true;
  }

  // Describes why the zstd layer stopped, for a damage message.
  std::string streamProblem() const {
    switch (zstd.state()) {
      case ZstdDecoder::State::kCorrupt:
        return "corrupt (" + zstd.error() + ")";
      default:
        return "truncated";
    }
  }

  // Member data, hashed. Returns bytes read; on a short read sets damage.
  size_t readMember(std::span<std::byte> data) {
    if (!have_member || member_left == 0 || ended) return 0;
    size_t want = static_cast<size_t>(std::min<uint64_t>(data.size(), member_left));
    size_t got = readRaw(data.data(), want);
    if (hash_members) hash.update(data.first(got));
    member_left -= got;
    if (got < want) {
      setDamage("bundle " + streamProblem() + " in member " + member.name + " at byte " +
                std::to_string(member.size - member_left));
    }
    return got;
  }

  // Skips the rest of the current member and its padding, and records its hash.
  bool closeMember() {
    if (!have_member) return true;
    std::byte buf[16384];
    while (member_left > 0 && !ended)
      readMember(buf);
    if (ended) return false;
    if (member.name != kIndexName) census.read(member.name, member.size, hash.digest());
    have_member = false;
    size_t pad = tar::paddingFor(member.size);
    if (readRaw(buf, pad) != pad) {
      setDamage("bundle " + streamProblem() + " in the padding after member " + member.name);
      return false;
    }
    return true;
  }

  // A header claiming more than any member may hold is damage, refused before anything is read.
  bool sizeAllowed(const tar::Header& h) {
    if (h.size <= kMaxMemberBytes) return true;
    setDamage("bundle corrupt: member " + h.name + " claims " + std::to_string(h.size) + " bytes",
              Resume::kYes);
    return false;
  }

  // Reads headers until a regular file member; fills `member`. False at the end or on damage.
  bool readHeader() {
    std::optional<std::string> long_name;
    std::optional<uint64_t> pax_size;
    for (;;) {
      tar::Block block;
      size_t got = readRaw(reinterpret_cast<std::byte*>(block.data()), block.size());
      if (got == 0 && zstd.state() == ZstdDecoder::State::kEnd) {
        if (index.is_null())
          setDamage("bundle truncated " + afterLast() + ": " +
                    "no index.json, the collection did not finish");
        ended = true;
        return false;
      }
      if (got < block.size()) {
        if (!zstd.interruptedSkip().empty()) {
          setDamage("bundle " + streamProblem() + " in member " + zstd.interruptedSkip() +
                    ", whose frame was being skipped unread");
        } else {
          setDamage("bundle " + streamProblem() + " in the tar header " + afterLast());
        }
        return false;
      }
      tar::Header h;
      switch (tar::decodeHeader(block, h)) {
        case tar::DecodeResult::kZeroBlock:
          // End of archive. What follows (GNU tar pads to its record size) is only checked to
          // end the compressed stream cleanly: a cut final frame is still truncation.
          if (index.is_null()) {
            setDamage("bundle ends " + afterLast() + " without index.json");
          } else {
            while (readRaw(reinterpret_cast<std::byte*>(block.data()), block.size()) > 0) {
            }
            if (zstd.state() != ZstdDecoder::State::kEnd) {
              setDamage("bundle " + streamProblem() + " after its end-of-archive marker",
                        Resume::kNo);
            }
          }
          ended = true;
          return false;
        case tar::DecodeResult::kBadChecksum:
        case tar::DecodeResult::kBadField:
          setDamage("bundle corrupt: bad tar header " + afterLast(), Resume::kYes);
          return false;
        case tar::DecodeResult::kHeader:
          break;
      }
      if (!sizeAllowed(h)) return false;
      if (h.type == tar::EntryType::kPaxExtended || h.type == tar::EntryType::kGnuLongName ||
          h.type == tar::EntryType::kPaxGlobal) {
        if (h.size > (1 << 20)) {
          setDamage("bundle corrupt: oversized extended header " + afterLast(), Resume::kYes);
          return false;
        }
        scratch.resize(h.size + tar::paddingFor(h.size));
        if (readRaw(reinterpret_cast<std::byte*>(scratch.data()), scratch.size()) !=
            scratch.size()) {
          setDamage("bundle " + streamProblem() + " in an extended header " + afterLast());
          return false;
        }
        std::string_view body(scratch.data(), h.size);
        if (h.type == tar::EntryType::kGnuLongName) {
          long_name = std::string(body.substr(0, body.find('\0')));
        } else if (h.type == tar::EntryType::kPaxExtended) {
          std::optional<std::string> path;
          if (!tar::parsePaxRecords(body, path, pax_size)) {
            setDamage("bundle corrupt: bad pax header " + afterLast(), Resume::kYes);
            return false;
          }
          if (path) long_name = std::move(path);
        }
        continue;
      }
      if (long_name) h.name = std::move(*long_name);
      if (pax_size) h.size = *pax_size;
      long_name.reset();
      pax_size.reset();
      // Checked again now that a pax "size=" record may have replaced the header's size.
      if (!sizeAllowed(h)) return false;
      // GNU tar writes "./" prefixes when archiving a directory.
      while (h.name.starts_with("./"))
        h.name.erase(0, 2);
      if (h.type != tar::EntryType::kFile) {
        // Directories and other entries carry no data we use; skip their data, if any.
        std::byte buf[4096];
        for (uint64_t left = h.size + tar::paddingFor(h.size); left > 0;) {
          size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof buf));
          if (readRaw(buf, n) != n) {
            setDamage("bundle " + streamProblem() + " in entry " + h.name);
            return false;
          }
          left -= n;
        }
        continue;
      }
      if (!tar::isSafeMemberName(h.name)) {
        setDamage("bundle refused: unsafe member name '" + h.name +
                      "' (absolute, empty or containing '..')",
                  Resume::kNo);
        return false;
      }
      last_name = h.name;
      member.name = std::move(h.name);
      member.size = h.size;
      member.page_chunk = parsePageChunkMemberName(member.name);
      member_left = h.size;
      hash.reset();
      have_member = true;
      member_corrupt = false;
      return true;
    }
  }

  // Reads the rest of the current member into `out`, at most `cap` bytes. The buffer grows as
  // data arrives: a header's claim alone (4 GiB in a 751-byte bundle) allocates nothing. Returns
  // false on damage; `cut` says the member holds more than `cap` (the rest is skipped and hashed
  // by next()).
  bool readUpTo(std::string& out, uint64_t cap, bool& cut) {
    out.clear();
    cut = member_left > cap;
    uint64_t want = std::min(member_left, cap);
    constexpr size_t kStep = 64 * 1024;
    while (want > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(want, kStep));
      size_t old = out.size();
      out.resize(old + n);
      size_t got = readMember(std::as_writable_bytes(std::span(out).subspan(old)));
      out.resize(old + got);
      if (got < n) return false;
      want -= n;
    }
    return true;
  }

  // manifest.json: at most kMaxManifestBytes, parsed with bounded depth; its text is kept.
  bool readManifest() {
    if (member.size > kMaxManifestBytes) {
      setDamage("bundle corrupt: " + member.name + " claims " + std::to_string(member.size) +
                " bytes (at most " + std::to_string(kMaxManifestBytes) + " expected)");
      return false;
    }
    bool cut = false;
    if (!readUpTo(manifest_text, kMaxManifestBytes, cut)) return false;
    std::optional<std::string> why =
        parseBoundedJson(manifest_text, manifest, kMaxManifestMemory, kMaxJsonDepth);
    if (why || !manifest.is_object()) {
      manifest = nlohmann::json();
      setDamage("bundle corrupt: " + member.name + " is not a JSON object" +
                (why ? " (" + *why + ")" : std::string()));
      return false;
    }
    return closeMember();
  }

  // index.json may be as large as the bundle's member list makes plausible: a member entry and
  // its share of the sources take a few hundred bytes, so kIndexBytesPerMember per member read
  // (and per member a lost frame can have held, after each resync) bounds it, not the 1 GiB
  // hard cap alone. A 510 MB index in a bundle of four members is refused unread.
  uint64_t indexAllowance() const {
    uint64_t present = census.present() + 1;
    uint64_t lost = kMembersPerLostFrame * std::min<uint64_t>(resumes, kMaxCountedResumes);
    return std::min(kMaxIndexBytes, kIndexBaseBytes + kIndexBytesPerMember * (present + lost));
  }

  // index.json, parsed as it streams by (never held whole): its member list is checked entry by
  // entry against the members seen; the rest (completion, sources, statistics) is kept as JSON,
  // bounded in depth and size.
  bool readIndex() {
    uint64_t allowed = indexAllowance();
    if (member.size > allowed) {
      setDamage("bundle corrupt: index.json claims " + std::to_string(member.size) +
                    " bytes, more than the " + std::to_string(allowed) + " a bundle of " +
                    std::to_string(census.present()) + " members can need",
                Resume::kNo);
      return false;
    }
    IndexParser parser(*this);
    MemberBytes bytes(*this);
    bool ok = nlohmann::json::sax_parse(bytes.begin(), bytes.end(), &parser,
                                        nlohmann::json::input_format_t::json, /*strict=*/true);
    if (ended) {  // the stream broke inside the index: damage already says where
      index = nlohmann::json();
      return false;
    }
    if (!ok || !parser.error().empty() || !index.is_object()) {
      index = nlohmann::json();
      setDamage("bundle corrupt: index.json is not a JSON object" +
                    (parser.error().empty() ? std::string() : " (" + parser.error() + ")"),
                Resume::kNo);
      return false;
    }
    finishIndexCheck(parser.listSeen());
    return closeMember();
  }

  // The current member's bytes as an input iterator for nlohmann's SAX parser, read a block at a
  // time (and handed to index_sink, which memsift extract uses to write index.json as it was).
  class MemberBytes {
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
  class IndexParser {
   public:
    using json = nlohmann::json;
    explicit IndexParser(Impl& d) : d_(d), dom_(d.index, kMaxJsonDepth, kMaxIndexMemory) {}

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

  void malformedIndexEntry() {
    if (!index_malformed_reported) problems.push_back("index.json has a malformed member entry");
    index_malformed_reported = true;
  }

  // One entry of index.json's member list against the member seen (or skipped) under its name.
  void checkIndexEntry(Entry& e) {
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
    census.checkEntry(e.name, *e.size, e.xxh64, hash_members, problems);
  }

  // After the whole list: what it names that never came, and what came that it does not name.
  void finishIndexCheck(bool list_seen) {
    if (!list_seen) {
      problems.push_back("index.json has no member list: checksums not verified");
      return;
    }
    census.finish(problems);
  }
};

BundleReader::BundleReader(ByteSource& source, bool hash_members)
    : impl_(std::make_unique<Impl>(source, hash_members)) {
  Impl& d = *impl_;
  if (!d.readHeader()) {
    if (std::string kind = describeForeignFile(d.head.head()); !kind.empty()) {
      // A bundle someone decompressed is still the evidence: say how to make it one again.
      std::string hint = kind == "an uncompressed tar archive"
                             ? "; if it is a decompressed bundle, `zstd FILE` makes it one again"
                             : "";
      throwInput("not a memsift bundle: this is " + kind +
                 " (memsift-collect writes a tar archive compressed with zstd, *.tar.zst" + hint +
                 ")");
    }
    if (d.zstd.state() == ZstdDecoder::State::kCorrupt) {
      throwInput("not a memsift bundle (not a zstd stream: " + d.zstd.error() + ")");
    }
    throwInput("not a memsift bundle (" + d.damage.value_or("empty") + ")");
  }
  if (d.member.name != kManifestName) {
    throwInput("not a memsift bundle: its first member is '" + d.member.name +
               "', expected manifest.json");
  }
  d.manifest_bytes = d.member.size;
  if (!d.readManifest()) {
    throwInput("not a memsift bundle: " + d.damage.value_or("unreadable manifest.json"));
  }
  if (std::optional<std::string> problem = formatProblem(d.manifest)) {
    throwInput("not a memsift bundle: manifest.json's " + *problem);
  }
  const nlohmann::json& format = jsonField(d.manifest, "format");
  // In range (formatProblem): no truncation.
  d.major = static_cast<int>(jsonField(format, "major").get<uint64_t>());
  d.minor = static_cast<int>(jsonField(format, "minor").get<uint64_t>());
  if (d.major > kBundleFormatMajor) {
    throwInput("bundle format " + std::to_string(d.major) + "." + std::to_string(d.minor) +
               " is newer than this memsift reads (" + std::to_string(kBundleFormatMajor) + "." +
               std::to_string(kBundleFormatMinor) + "); use a newer memsift");
  }
  if (std::optional<std::string> problem = manifestProblem(d.manifest)) {
    throwInput("unusable bundle: manifest.json's " + *problem);
  }
}

BundleReader::~BundleReader() = default;

void BundleReader::skipPageTables(std::span<const PageTable> tables) {
  Impl& d = *impl_;
  for (PageTable t : tables)
    d.skip_tables[static_cast<size_t>(t)] = true;
  d.zstd.setSkipFilter(
      [&d](std::string_view member) { return d.unwanted(parsePageChunkMemberName(member)); });
}

uint64_t BundleReader::skippedMembers() const {
  return impl_->census.skippedCount();
}

uint64_t BundleReader::decompressedBytes() const {
  return impl_->zstd.bytesOut();
}

const nlohmann::json& BundleReader::manifest() const {
  return impl_->manifest;
}
uint64_t BundleReader::manifestBytes() const {
  return impl_->manifest_bytes;
}
int BundleReader::formatMajor() const {
  return impl_->major;
}
int BundleReader::formatMinor() const {
  return impl_->minor;
}

bool BundleReader::next() {
  Impl& d = *impl_;
  for (;;) {
    if (d.ended && !d.resume()) return false;
    if (!d.closeMember()) continue;
    if (!d.readHeader()) continue;
    if (d.unwanted(d.member.page_chunk)) continue;  // read and dropped (no hint to skip it)
    if (d.member.name != kIndexName) return true;
    if (!d.readIndex()) continue;
    // Whatever follows index.json should be the end of the archive; a member after it is odd but
    // still returned.
  }
}

uint64_t BundleReader::resumes() const {
  return impl_->resumes;
}

bool BundleReader::memberCorrupt() const {
  return impl_->member_corrupt;
}

const MemberInfo& BundleReader::current() const {
  return impl_->member;
}

size_t BundleReader::read(std::span<std::byte> data) {
  return impl_->readMember(data);
}

bool BundleReader::readAll(std::string& out, uint64_t cap, bool* cut) {
  bool was_cut = false;
  bool ok = impl_->readUpTo(out, cap, was_cut);
  if (cut) *cut = was_cut;
  return ok;
}

bool BundleReader::complete() const {
  return impl_->ended && !impl_->damage && !impl_->index.is_null();
}
const std::optional<std::string>& BundleReader::damage() const {
  return impl_->damage;
}
const std::vector<std::string>& BundleReader::problems() const {
  return impl_->problems;
}
const nlohmann::json& BundleReader::index() const {
  return impl_->index;
}
uint64_t BundleReader::indexEntries() const {
  return impl_->index_entries;
}
const std::string& BundleReader::manifestText() const {
  return impl_->manifest_text;
}
void BundleReader::setIndexSink(std::function<void(std::span<const std::byte>)> sink) {
  impl_->index_sink = std::move(sink);
}

}  // namespace memsift::bundle
