// The page-frame tables of a bundle as a stream of PageFrameChunks: the three members of one PFN
// range (pageframes/<start>/kpageflags, kpagecount, kpagecgroup, which follow each other) joined
// into one chunk, converted to this machine's byte order, in bounded memory (one chunk of each
// table). The one place that reads these members: the analysis and `memsift page-types` both
// feed it the members a BundleReader stops at.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/damage.h"
#include "common/page_frames.h"

namespace memsift::bundle {

class PageFrameStream {
 public:
  // Gets each chunk in bundle order; returns false when it needs no more.
  using Visit = std::function<bool(const PageFrameChunk&)>;

  // Chunks that end at or before `from` are skipped unread.
  PageFrameStream(bool byte_swap, Visit visit, Pfn from = Pfn());
  ~PageFrameStream();
  PageFrameStream(const PageFrameStream&) = delete;
  PageFrameStream& operator=(const PageFrameStream&) = delete;

  // Offers the reader's current member. A page-table member is read (true is returned); any
  // other member first delivers the range gathered so far (false: the caller reads it).
  bool offer(BundleReader& reader);
  // Delivers the last range. Call at the end of the bundle.
  void finish();
  // False once the visitor has said it needs no more.
  bool wantsMore() const { return more_; }
  // Malformed page-table members met so far (kept out of their chunks), taken by the caller.
  std::vector<Damage> takeDamage() { return std::exchange(damage_, {}); }

 private:
  void read(BundleReader& reader, const PageChunkName& name);
  void deliver();

  bool byte_swap_;
  Visit visit_;
  Pfn from_;
  bool more_ = true;
  // Each table of the range gathered: a member a worker thread decoded, used where it lies
  // (`jobs_`, given back to the reader when the next one comes), or one copied from the reader
  // (`tables_`); `views_` is the table either way.
  std::array<std::unique_ptr<FrameJob>, 3> jobs_;
  std::array<std::vector<uint64_t>, 3> tables_;
  std::array<std::span<uint64_t>, 3> views_;
  std::array<bool, 3> present_{};
  bool pending_ = false;
  Pfn start_;
  std::vector<Damage> damage_;
};

// Which page tables a pass over a bundle needs besides kpageflags (always needed).
struct PageTableNeeds {
  bool counts = true;   // kpagecount
  bool cgroups = true;  // kpagecgroup
};

// Streams every page-frame chunk of the bundle at `path` (opening it anew), from the chunk
// holding PFN `from`. Stops early when `visit` returns false. Returns the damage the pass met:
// the reader's, then its problems, with the malformed chunks in between (none if it stopped
// early). Members are not hashed: zstd's frame checksums catch corrupt data (see BundleReader).
// Tables not in `needs` are skipped (unread where the bundle has member hints) and the chunks
// come without them. `jobs` threads decode the tables (BundleReader::setDecodeThreads).
std::vector<Damage> forEachPageChunk(const std::string& path, Pfn from,
                                     const PageFrameStream::Visit& visit, PageTableNeeds needs = {},
                                     unsigned jobs = 1);

}  // namespace memsift::bundle
