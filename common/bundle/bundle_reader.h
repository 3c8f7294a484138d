// Reads a bundle as a stream: members in order, in bounded memory, verifying each member's size
// and XXH64 against index.json when it arrives (the index is the last member).
//
// Damage never throws past the point where it is found: next() returns false and damage() says
// what happened and where ("bundle truncated in member proc/1/smaps at byte 4096"), so that the
// caller can still use every member read before it. Only a stream that is not a memsift bundle at
// all, or one of a newer major format version, throws Error(kInput) from the constructor.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bundle/bundle_format.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/damage.h"

namespace memsift::bundle {

struct FrameJob;  // frame_workers.h: a member's frame decoded by a worker thread

struct MemberInfo {
  std::string name;  // relative path inside the bundle, e.g. "proc/meminfo"
  uint64_t size = 0;
  // Set when the member is a page-frame chunk.
  std::optional<PageChunkName> page_chunk;
};

class BundleReader {
 public:
  // Reads and checks manifest.json. Throws Error(kInput) if the stream is not a bundle, or if
  // its major format version is newer than this reader's (naming both versions).
  // `hash_members`: compute each member's XXH64 and check it against index.json. A reader that
  // only counts page flags (memsift page-types) may skip it: zstd's frame checksums still catch
  // corrupt data, and sizes are still checked against the index.
  explicit BundleReader(ByteSource& source, bool hash_members = true);
  ~BundleReader();
  BundleReader(const BundleReader&) = delete;
  BundleReader& operator=(const BundleReader&) = delete;

  // Page tables the caller does not need (memsift page-types without -C/-c/-M needs only
  // kpageflags). Their members are never returned by next(). Where the bundle has member hints
  // (format 1.1) their zstd frames are skipped without decompressing; such a member counts as
  // present for the index (its size and checksum are not verified: zstd did not see it either).
  // In a bundle without hints they are read and dropped. Call before the first next().
  void skipPageTables(std::span<const PageTable> tables);
  // Decodes page-table members' frames (format 1.1: one frame each, with a member hint) on
  // `threads` worker threads, `threads` frames ahead and more (bounded: about 2 MiB a frame,
  // at most 16 frames), handing them out in stream order. Members, data, damage and problems are
  // the same as with one thread: a frame that is not exactly as the writer makes it is read by
  // this thread, as without workers. 0 or 1: no workers. Call before the first next().
  void setDecodeThreads(unsigned threads);
  // The current member whole, without a copy, when a worker thread decoded it (FrameJob::data(),
  // words()); the member then counts as read. Null when this thread reads it: read() it then. The
  // caller gives the job back with recycle() when done with it, so that its buffer is reused.
  std::unique_ptr<FrameJob> takeDecoded();
  void recycle(std::unique_ptr<FrameJob> job);
  // Members decoded by the worker threads so far (the rest were decoded by this thread).
  uint64_t membersFromWorkers() const;
  // Members whose frames were skipped unread so far.
  uint64_t skippedMembers() const;
  // Bytes decompressed so far (tar headers and data, all members).
  uint64_t decompressedBytes() const;

  const nlohmann::json& manifest() const;
  uint64_t manifestBytes() const;  // size of the manifest.json member
  int formatMajor() const;
  int formatMinor() const;

  // Advances to the next regular-file member (directories and other entries are skipped), which
  // becomes the current one. The unread rest of the previous member is skipped (and still hashed).
  // Returns false at the end: the clean end after index.json, or damage (see damage()) that
  // reading cannot get past. After corrupt data it goes on at the next zstd frame (the writer
  // starts frames at member boundaries), so members after the damage are still returned; the
  // resync is recorded in problems(). index.json itself is consumed here and never returned.
  bool next();
  const MemberInfo& current() const;

  // Reads up to data.size() bytes of the current member; 0 at its end. On damage returns 0 and
  // damage() is set.
  size_t read(std::span<std::byte> data);
  // The current member was cut by corrupt data (not by the stream's end): what was read of it
  // may be wrong too, and should be dropped. A member cut by truncation is intact up to the cut.
  bool memberCorrupt() const;
  // Reads the rest of the current member into `out` (replacing it), at most `cap` bytes. The
  // buffer grows as data arrives, never from the size a header claims. False on damage. A member
  // larger than `cap` gives its first `cap` bytes and sets `*cut` (the caller says what was cut;
  // next() skips the rest, hashed). The default cap is the most text the writer puts in a member.
  bool readAll(std::string& out, uint64_t cap = kMaxTextMemberBytes, bool* cut = nullptr);

  // After next() returned false: true if the stream ended cleanly with index.json.
  bool complete() const;
  // The first damage, if any: truncation or corruption (later damage, after a resync, is in
  // problems()).
  const std::optional<Damage>& damage() const;
  // Problems that do not stop reading (a member whose checksum disagrees with the index, a member
  // the index lists that never came). Final once next() has returned false.
  const std::vector<Damage>& problems() const;
  // How many times reading resumed at a later zstd frame after corrupt data.
  uint64_t resumes() const;
  // index.json, once read (null before the end or if it never came), without its "members" list:
  // that is checked entry by entry as it streams by (index.json may be large) and not kept.
  const nlohmann::json& index() const;
  // Entries in index.json's member list.
  uint64_t indexEntries() const;
  // manifest.json as it is in the bundle (at most kMaxManifestBytes).
  const std::string& manifestText() const;
  // Receives index.json's bytes as they are read (memsift extract writes them). Call before the
  // first next().
  void setIndexSink(std::function<void(std::span<const std::byte>)> sink);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memsift::bundle
