// BundleReader's member stream: tar headers and member data out of the zstd stream, hashed as
// they go by; damage recorded with where it happened, and reading resumed after corrupt data.
#include <algorithm>
#include <cstring>

#include "common/bundle/bundle_reader_impl.h"
#include "common/json/bounded_json.h"

namespace memsift::bundle {

bool BundleReader::Impl::unwanted(const std::optional<PageChunkName>& chunk) const {
  return chunk && skip_tables[static_cast<size_t>(chunk->table)];
}

void BundleReader::Impl::noteSkipped() {
  for (MemberHint& h : zstd.takeSkippedMembers()) {
    last_name = h.member;
    census.skipped(h.member);
  }
}

size_t BundleReader::Impl::readRaw(std::byte* p, size_t n) {
  size_t got = 0;
  while (got < n) {
    size_t r = zstd.read(std::span(p + got, n - got));
    if (r == 0) break;
    got += r;
  }
  if (zstd.skippedPending()) noteSkipped();
  return got;
}

std::string BundleReader::Impl::afterLast() const {
  return last_name.empty() ? "at the start of the bundle" : "after member " + last_name;
}

void BundleReader::Impl::setDamage(Damage d, Resume resume) {
  if (!damage) {
    damage = std::move(d);
  } else {
    problems.push_back(std::move(d));
  }
  ended = true;
  resumable = resume == Resume::kYes ||
              (resume == Resume::kIfStreamCorrupt && zstd.state() == ZstdDecoder::State::kCorrupt);
  member_corrupt = have_member && resumable;
}

bool BundleReader::Impl::resume() {
  if (!resumable) return false;
  resumable = false;
  uint64_t from = zstd.compressedOffset();
  if (!zstd.skipToNextFrame()) return false;
  problems.push_back({"", 0, DamageKind::kResumed,
                      "reading resumed at compressed byte " +
                          std::to_string(zstd.compressedOffset()) + " (the next zstd frame, " +
                          std::to_string(zstd.compressedOffset() - from) +
                          " bytes skipped): members in between are lost"});
  have_member = false;
  member_left = 0;
  ended = false;
  ++resumes;
  return true;
}

Damage BundleReader::Impl::streamDamage(std::string in_member, uint64_t offset,
                                        std::string_view where) const {
  DamageKind kind =
      zstd.state() == ZstdDecoder::State::kCorrupt ? DamageKind::kCorrupt : DamageKind::kTruncated;
  return {std::move(in_member), offset, kind, "bundle " + streamProblem() + std::string(where)};
}

Damage BundleReader::Impl::corrupt(std::string in_member, std::string text) {
  return {std::move(in_member), 0, DamageKind::kCorrupt, std::move(text)};
}

std::string BundleReader::Impl::streamProblem() const {
  switch (zstd.state()) {
    case ZstdDecoder::State::kCorrupt:
      return "corrupt (" + zstd.error() + ")";
    default:
      return "truncated";
  }
}

size_t BundleReader::Impl::readMember(std::span<std::byte> data) {
  if (decoded) return readDecoded(data);
  if (series_index) {  // read whole already
    size_t n = std::min(data.size(), series_index_text.size() - series_index_pos);
    std::memcpy(data.data(), series_index_text.data() + series_index_pos, n);
    series_index_pos += n;
    return n;
  }
  if (!have_member || member_left == 0 || ended) return 0;
  size_t want = static_cast<size_t>(std::min<uint64_t>(data.size(), member_left));
  size_t got = readRaw(data.data(), want);
  if (hash_members && !frame_verifies) hash.update(data.first(got));
  member_left -= got;
  if (got < want) {
    const uint64_t at = member.size - member_left;
    setDamage(streamDamage(member.name, at,
                           " in member " + member.name + " at byte " + std::to_string(at)));
  }
  return got;
}

bool BundleReader::Impl::closeMember() {
  if (decoded) {
    closeDecoded();
    return true;
  }
  if (!have_member) return true;
  // series/K/index.json is listed nowhere, as index.json is not.
  const bool listed = member.name != kIndexName && !series_index;
  series_index = false;
  std::byte buf[16384];
  while (member_left > 0 && !ended)
    readMember(buf);
  if (ended) return false;
  if (listed) {
    census.read(member.name, member.size,
                frame_verifies ? std::nullopt : std::optional<uint64_t>(hash.digest()));
  }
  have_member = false;
  size_t pad = tar::paddingFor(member.size);
  if (readRaw(buf, pad) != pad) {
    setDamage(
        streamDamage(member.name, member.size, " in the padding after member " + member.name));
    return false;
  }
  return true;
}

bool BundleReader::Impl::sizeAllowed(const tar::Header& h) {
  if (h.size <= kMaxMemberBytes) return true;
  setDamage(corrupt(h.name, "bundle corrupt: member " + h.name + " claims " +
                                std::to_string(h.size) + " bytes"),
            Resume::kYes);
  return false;
}

bool BundleReader::Impl::readHeader() {
  std::optional<std::string> long_name;
  std::optional<uint64_t> pax_size;
  for (;;) {
    tar::Block block;
    size_t got = readRaw(reinterpret_cast<std::byte*>(block.data()), block.size());
    if (got == 0 && zstd.state() == ZstdDecoder::State::kEnd) {
      if (index.is_null())
        setDamage({"", 0, DamageKind::kTruncated,
                   "bundle truncated " + afterLast() + ": " +
                       "no index.json, the collection did not finish"});
      ended = true;
      return false;
    }
    if (got < block.size()) {
      if (!zstd.interruptedSkip().empty()) {
        setDamage(streamDamage(
            zstd.interruptedSkip(), 0,
            " in member " + zstd.interruptedSkip() + ", whose frame was being skipped unread"));
      } else {
        setDamage(streamDamage("", 0, " in the tar header " + afterLast()));
      }
      return false;
    }
    tar::Header h;
    switch (tar::decodeHeader(block, h)) {
      case tar::DecodeResult::kZeroBlock:
        // End of archive. What follows (GNU tar pads to its record size) is only checked to
        // end the compressed stream cleanly: a cut final frame is still truncation.
        if (index.is_null()) {
          setDamage({"", 0, DamageKind::kTruncated,
                     "bundle ends " + afterLast() + " without index.json"});
        } else {
          while (readRaw(reinterpret_cast<std::byte*>(block.data()), block.size()) > 0) {
          }
          if (zstd.state() != ZstdDecoder::State::kEnd) {
            setDamage(streamDamage("", 0, " after its end-of-archive marker"), Resume::kNo);
          }
        }
        ended = true;
        return false;
      case tar::DecodeResult::kBadChecksum:
      case tar::DecodeResult::kBadField:
        setDamage(corrupt("", "bundle corrupt: bad tar header " + afterLast()), Resume::kYes);
        return false;
      case tar::DecodeResult::kHeader:
        break;
    }
    if (!sizeAllowed(h)) return false;
    if (h.type == tar::EntryType::kPaxExtended || h.type == tar::EntryType::kGnuLongName ||
        h.type == tar::EntryType::kPaxGlobal) {
      if (h.size > (1 << 20)) {
        setDamage(corrupt("", "bundle corrupt: oversized extended header " + afterLast()),
                  Resume::kYes);
        return false;
      }
      scratch.resize(h.size + tar::paddingFor(h.size));
      if (readRaw(reinterpret_cast<std::byte*>(scratch.data()), scratch.size()) != scratch.size()) {
        setDamage(streamDamage("", 0, " in an extended header " + afterLast()));
        return false;
      }
      std::string_view body(scratch.data(), h.size);
      if (h.type == tar::EntryType::kGnuLongName) {
        long_name = std::string(body.substr(0, body.find('\0')));
      } else if (h.type == tar::EntryType::kPaxExtended) {
        std::optional<std::string> path;
        if (!tar::parsePaxRecords(body, path, pax_size)) {
          setDamage(corrupt("", "bundle corrupt: bad pax header " + afterLast()), Resume::kYes);
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
          setDamage(streamDamage(h.name, 0, " in entry " + h.name));
          return false;
        }
        left -= n;
      }
      continue;
    }
    if (!tar::isSafeMemberName(h.name)) {
      setDamage({h.name, 0, DamageKind::kRefused,
                 "bundle refused: unsafe member name '" + h.name +
                     "' (absolute, empty or containing '..')"},
                Resume::kNo);
      return false;
    }
    last_name = h.name;
    member.name = std::move(h.name);
    member.size = h.size;
    member.page_chunk = parsePageChunkMemberName(member.name);
    member_left = h.size;
    hash.reset();
    frame_verifies = zstd.frameChecksumCovers(member.name);
    have_member = true;
    member_corrupt = false;
    return true;
  }
}

bool BundleReader::Impl::readUpTo(std::string& out, uint64_t cap, bool& cut) {
  out.clear();
  // A series index was read whole already: what is left of it is in series_index_text.
  const uint64_t left = series_index ? series_index_text.size() - series_index_pos : member_left;
  cut = left > cap;
  uint64_t want = std::min(left, cap);
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

bool BundleReader::Impl::readManifest() {
  if (member.size > kMaxManifestBytes) {
    setDamage(corrupt(member.name, "bundle corrupt: " + member.name + " claims " +
                                       std::to_string(member.size) + " bytes (at most " +
                                       std::to_string(kMaxManifestBytes) + " expected)"));
    return false;
  }
  bool cut = false;
  if (!readUpTo(manifest_text, kMaxManifestBytes, cut)) return false;
  std::optional<std::string> why =
      parseBoundedJson(manifest_text, manifest, kMaxManifestMemory, kMaxJsonDepth);
  if (why || !manifest.is_object()) {
    manifest = nlohmann::json();
    setDamage(corrupt(member.name, "bundle corrupt: " + member.name + " is not a JSON object" +
                                       (why ? " (" + *why + ")" : std::string())));
    return false;
  }
  return closeMember();
}

}  // namespace memsift::bundle
