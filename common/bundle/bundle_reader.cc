// The bundle reader: zstd stream -> tar members, hashed as they stream by, checked against
// index.json at the end. Damage stops reading with a message saying where; it never throws.
#include "common/bundle/bundle_reader.h"

#include <array>
#include <unordered_map>
#include <unordered_set>

#include "common/bundle/file_kind.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_stream.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"
#include "common/json/json_field.h"
#include "memsift/version.h"

namespace memsift::bundle {

namespace {
struct SeenMember {
  uint64_t size;
  uint64_t hash;
};
}  // namespace

struct BundleReader::Impl {
  Impl(ByteSource& source, bool hash_members)
      : head(source), zstd(head), hash_members(hash_members) {}

  HeadRecorder head;  // the first bytes, to say what a file that is not a bundle is
  ZstdDecoder zstd;
  bool hash_members = true;
  nlohmann::json manifest;
  nlohmann::json index;
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
  std::unordered_map<std::string, SeenMember> seen;
  std::string scratch;
  bool resumable = false;  // the last damage allows resume()
  uint64_t resumes = 0;
  bool member_corrupt = false;              // the current member was cut by corrupt data
  std::array<bool, 3> skip_tables{};        // page tables the caller does not want
  std::unordered_set<std::string> skipped;  // members whose frames were skipped unread

  bool unwanted(const std::optional<PageChunkName>& chunk) const {
    return chunk && skip_tables[static_cast<size_t>(chunk->table)];
  }

  // Records the members whose frames the zstd layer skipped (they count as present).
  void noteSkipped() {
    for (MemberHint& h : zstd.takeSkippedMembers()) {
      last_name = h.member;
      skipped.insert(std::move(h.member));
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
    if (member.name != kIndexName) seen[member.name] = {member.size, hash.digest()};
    have_member = false;
    size_t pad = tar::paddingFor(member.size);
    if (readRaw(buf, pad) != pad) {
      setDamage("bundle " + streamProblem() + " in the padding after member " + member.name);
      return false;
    }
    return true;
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
      if (h.size > kMaxMemberBytes) {
        setDamage(
            "bundle corrupt: member " + h.name + " claims " + std::to_string(h.size) + " bytes",
            Resume::kYes);
        return false;
      }
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

  bool readJsonMember(nlohmann::json& out, uint64_t cap) {
    if (member.size > cap) {
      setDamage("bundle corrupt: " + member.name + " claims " + std::to_string(member.size) +
                " bytes (at most " + std::to_string(cap) + " expected)");
      return false;
    }
    std::string text(member.size, '\0');
    if (readMember(std::as_writable_bytes(std::span(text))) != text.size()) return false;
    out = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (out.is_discarded() || !out.is_object()) {
      out = nlohmann::json();
      setDamage("bundle corrupt: " + member.name + " is not a JSON object");
      return false;
    }
    return closeMember();
  }

  void verifyAgainstIndex() {
    const nlohmann::json& list = jsonField(index, "members");
    if (!list.is_array()) {
      problems.push_back("index.json has no member list: checksums not verified");
      return;
    }
    std::unordered_map<std::string_view, bool> listed;
    std::vector<std::string_view> missing;
    for (const nlohmann::json& m : list) {
      if (!m.is_object() || !jsonField(m, "name").is_string() ||
          !jsonField(m, "size").is_number_unsigned() || !jsonField(m, "xxh64").is_string()) {
        problems.push_back("index.json has a malformed member entry");
        continue;
      }
      const std::string& name = jsonField(m, "name").get_ref<const std::string&>();
      listed[name] = true;
      auto it = seen.find(name);
      if (it == seen.end()) {
        if (!skipped.contains(name)) missing.push_back(name);
        continue;
      }
      uint64_t size = jsonField(m, "size").get<uint64_t>();
      const std::string& want = jsonField(m, "xxh64").get_ref<const std::string&>();
      std::string got = xxh64Hex(it->second.hash);
      if (size != it->second.size) {
        problems.push_back("member " + name + " has " + std::to_string(it->second.size) +
                           " bytes, index.json says " + std::to_string(size));
      } else if (hash_members && want != got) {
        problems.push_back("checksum mismatch in member " + name + ": index.json says xxh64 " +
                           want + ", content hashes to " + got);
      }
    }
    // After a resync whole frames of members are lost: one line for them, not one each.
    constexpr size_t kNamed = 3;
    if (missing.size() > kNamed) {
      std::string names;
      for (size_t i = 0; i < kNamed; ++i)
        names += std::string(i ? ", " : "") + std::string(missing[i]);
      problems.push_back(std::to_string(missing.size()) +
                         " members listed in index.json are missing: " + names + ", ...");
    } else {
      for (std::string_view name : missing)
        problems.push_back("member " + std::string(name) + " is listed in index.json but missing");
    }
    for (const auto& [name, _] : seen) {
      if (!listed.contains(name))
        problems.push_back("member " + name + " is not listed in index.json");
    }
    for (const std::string& name : skipped) {
      if (!listed.contains(name))
        problems.push_back("member " + name + " (skipped unread) is not listed in index.json");
    }
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
  if (!d.readJsonMember(d.manifest, kMaxManifestBytes)) {
    throwInput("not a memsift bundle: " + d.damage.value_or("unreadable manifest.json"));
  }
  const nlohmann::json& format = jsonField(d.manifest, "format");
  if (!format.is_object() || !jsonField(format, "major").is_number_integer() ||
      !jsonField(format, "minor").is_number_integer()) {
    throwInput("not a memsift bundle: manifest.json has no format version");
  }
  d.major = jsonField(format, "major").get<int>();
  d.minor = jsonField(format, "minor").get<int>();
  if (d.major > kBundleFormatMajor) {
    throwInput("bundle format " + std::to_string(d.major) + "." + std::to_string(d.minor) +
               " is newer than this memsift reads (" + std::to_string(kBundleFormatMajor) + "." +
               std::to_string(kBundleFormatMinor) + "); use a newer memsift");
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
  return impl_->skipped.size();
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
    if (!d.readJsonMember(d.index, kMaxIndexBytes)) continue;
    d.verifyAgainstIndex();
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

bool BundleReader::readAll(std::string& out, uint64_t cap) {
  Impl& d = *impl_;
  if (d.member_left > cap) {
    d.setDamage("bundle corrupt: member " + d.member.name + " claims " +
                std::to_string(d.member.size) + " bytes, more than " + std::to_string(cap));
    return false;
  }
  out.resize(static_cast<size_t>(d.member_left));
  return d.readMember(std::as_writable_bytes(std::span(out))) == out.size();
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

}  // namespace memsift::bundle
