// The state of a BundleReader, shared by the three files that implement it: bundle_reader.cc
// (the public API and the manifest's checks), reader_stream.cc (tar members out of the zstd
// stream, hashed, and the damage that stops them) and reader_index.cc (index.json, checked entry
// by entry against the members seen). Private to common/bundle/.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/file_kind.h"
#include "common/bundle/frame_workers.h"
#include "common/bundle/member_census.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_stream.h"
#include "common/hash/xxhash64.h"

namespace memsift::bundle {

struct BundleReader::Impl {
  // One entry of index.json's member list, while it is parsed.
  struct Entry {
    std::string name, name_bytes, xxh64;
    std::optional<uint64_t> size;
    bool has_name = false, has_name_bytes = false, has_xxh64 = false;
    bool nested = false;  // an array or object inside the entry: malformed
  };

  // What parsed JSON may take in memory (BoundedJsonBuilder's count): a manifest is a few KiB; the
  // index without its member list holds the sources not captured (a few hundred bytes each).
  static constexpr uint64_t kMaxManifestMemory = 32ull << 20;
  static constexpr uint64_t kMaxIndexMemory = 64ull << 20;
  // index.json's size allowance (see indexAllowance()).
  static constexpr uint64_t kIndexBaseBytes = 1ull << 20;
  static constexpr uint64_t kIndexBytesPerMember = 1024;
  // A lost frame ends at the first member boundary after 8 MiB: at most 8 MiB / 512-byte headers.
  static constexpr uint64_t kMembersPerLostFrame = (8ull << 20) / tar::kBlock + 1;
  static constexpr uint64_t kMaxCountedResumes = 64;

  Impl(ByteSource& source, bool hash_members)
      : head(source), zstd(head), hash_members(hash_members) {}

  HeadRecorder head;  // the first bytes, to say what a file that is not a bundle is
  ZstdDecoder zstd;
  bool hash_members = true;
  nlohmann::json manifest;
  std::string manifest_text;  // as it is in the bundle
  nlohmann::json index;       // without its member list, which is checked as it streams by
  // series/K/index.json (format 1.3), the current member: its text, read whole and checked, is
  // what read() returns of it; and the sources of every snapshot, for index()'s "sources".
  bool series_index = false;
  std::string series_index_text;
  size_t series_index_pos = 0;
  nlohmann::json series_sources = nlohmann::json::array();
  uint64_t series_sources_dropped = 0;
  static constexpr size_t kMaxSeriesSources = 1 << 16;
  // A series index is held whole (index.json streams by): a snapshot of 600,000 members.
  static constexpr uint64_t kMaxSeriesIndexBytes = 64ull << 20;
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
  std::optional<Damage> damage;
  std::vector<Damage> problems;
  MemberCensus census;  // the members seen or skipped, for the index check
  std::string scratch;
  bool resumable = false;  // the last damage allows resume()
  uint64_t resumes = 0;
  bool member_corrupt = false;  // the current member was cut by corrupt data
  // The current member's own zstd frame (hinted, with a content checksum) verifies its bytes:
  // they are not hashed again (bundle-format.md, "Checksums").
  bool frame_verifies = false;
  std::array<bool, 3> skip_tables{};  // page tables the caller does not want

  // Parallel decoding of page-table frames (reader_parallel.cc). The jobs are declared before
  // the workers so that the workers stop before the jobs go.
  std::deque<std::unique_ptr<FrameJob>> in_flight;  // captured, in stream order
  std::vector<std::unique_ptr<FrameJob>> spare;     // to reuse, buffers and all
  std::unique_ptr<FrameJob> decoded;                // the current member's, if a worker's
  size_t decoded_pos = 0;                           // bytes of it read
  size_t depth = 0;                                 // most frames in flight
  uint64_t refuse_at = UINT64_MAX;                  // a hint whose frame proved damaged
  uint64_t produced_in_workers = 0;
  uint64_t members_from_workers = 0;
  std::unique_ptr<FrameWorkers> workers;
  // Starts `threads` workers (none below 2: one thread reads as before).
  void startWorkers(unsigned threads);
  // Makes the next captured member current, topping up the frames in flight. False when the
  // stream does not go on with one (or it proved damaged: it is then read as without workers).
  bool nextDecoded();
  // The current member, decoded by a worker: its data, and closing it (or handing it over whole,
  // read, and taking its buffer back for reuse).
  size_t readDecoded(std::span<std::byte> data);
  void closeDecoded();
  std::unique_ptr<FrameJob> takeDecoded();
  void recycle(std::unique_ptr<FrameJob> job);

  bool unwanted(const std::optional<PageChunkName>& chunk) const;
  // Records the members whose frames the zstd layer skipped (they count as present).
  void noteSkipped();
  // Reads exactly n bytes unless the stream ends or breaks; returns how many were read.
  size_t readRaw(std::byte* p, size_t n);
  // "after member X", or "at the start of the bundle" before the first member.
  std::string afterLast() const;
  // Whether reading may go on after a damage, at the next zstd frame (frames start at member
  // boundaries): after corrupt data, yes; after the stream simply ends, or a refusal, no.
  enum class Resume { kIfStreamCorrupt, kYes, kNo };
  // The first damage is the bundle's damage(); later ones (after a resync) are problems.
  void setDamage(Damage d, Resume resume = Resume::kIfStreamCorrupt);
  // After a resumable damage: on at the next zstd frame, the member in progress abandoned.
  bool resume();
  // Damage where the zstd layer stopped: truncated, or corrupt (then `text` says how).
  Damage streamDamage(std::string in_member, uint64_t offset, std::string_view where) const;
  // Damage the bytes themselves show (a bad header, a claim no bundle makes).
  static Damage corrupt(std::string in_member, std::string text);
  // Describes why the zstd layer stopped, for a damage message.
  std::string streamProblem() const;
  // Member data, hashed. Returns bytes read; on a short read sets damage.
  size_t readMember(std::span<std::byte> data);
  // Skips the rest of the current member and its padding, and records its hash.
  bool closeMember();
  // A header claiming more than any member may hold is damage, refused before anything is read.
  bool sizeAllowed(const tar::Header& h);
  // Reads headers until a regular file member; fills `member`. False at the end or on damage.
  bool readHeader();
  // Reads the rest of the current member into `out`, at most `cap` bytes. The buffer grows as
  // data arrives: a header's claim alone (4 GiB in a 751-byte bundle) allocates nothing. Returns
  // false on damage; `cut` says the member holds more than `cap` (the rest is skipped and hashed
  // by next()).
  bool readUpTo(std::string& out, uint64_t cap, bool& cut);
  // manifest.json: at most kMaxManifestBytes, parsed with bounded depth; its text is kept.
  bool readManifest();
  // index.json may be as large as the bundle's member list makes plausible: a member entry and
  // its share of the sources take a few hundred bytes, so kIndexBytesPerMember per member read
  // (and per member a lost frame can have held, after each resync) bounds it, not the 1 GiB
  // hard cap alone. A 510 MB index in a bundle of four members is refused unread.
  uint64_t indexAllowance() const;
  // index.json, parsed as it streams by (never held whole): its member list is checked entry by
  // entry against the members seen; the rest (completion, sources, statistics) is kept as JSON,
  // bounded in depth and size.
  bool readIndex();
  // The current member's bytes as an input iterator for nlohmann's SAX parser, read a block at a
  // time (and handed to index_sink, which memsift extract uses to write index.json as it was).
  class MemberBytes;
  // SAX handler for index.json: entries of the top-level "members" array are checked one at a
  // time (a name, its size and XXH64, held only until the entry ends); every other event goes to
  // a bounded JSON builder that makes `index` without the list.
  class IndexParser;
  // series/K/index.json, the current member: read whole (within indexAllowance()), its member
  // list checked as index.json's is, its sources kept. False on damage.
  bool readSeriesIndex();
  // index.json's "sources" with the snapshots' before them, where a 1.2 bundle had them.
  void mergeSeriesSources();
  void malformedIndexEntry();
  // One entry of index.json's member list against the member seen (or skipped) under its name.
  void checkIndexEntry(Entry& e);
  // After the whole list: what it names that never came, and what came that it does not name.
  void finishIndexCheck(bool list_seen);
};

}  // namespace memsift::bundle
