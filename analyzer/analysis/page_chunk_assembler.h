// Joins the three page-table members of one PFN range (kpageflags, kpagecount, kpagecgroup,
// which follow each other in a bundle) into one PageFrameChunk, in bounded memory: one chunk of
// each table. Used by the analysis and by `memsift page-types`.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/page_frames.h"

namespace memsift::analysis {

class PageChunkAssembler {
 public:
  using Sink = std::function<void(const PageFrameChunk&)>;

  // `byte_swap`: the bundle's tables are in the other byte order than this machine's.
  PageChunkAssembler(bool byte_swap, Sink sink) : byte_swap_(byte_swap), sink_(std::move(sink)) {}

  // Reads the reader's current member (a page-table chunk). A range's chunk is delivered when a
  // member of another range or a non-chunk member arrives (call flush()), or at the end.
  // Returns a problem description for a malformed member (kept out of the chunk), or "".
  std::string add(bundle::BundleReader& reader, const bundle::PageChunkName& name);
  void flush();

  // Reads whether a manifest says the tables need swapping on this machine.
  static bool needsByteSwap(const nlohmann::json& manifest);

 private:
  bool byte_swap_;
  Sink sink_;
  std::array<std::vector<uint64_t>, 3> tables_;
  std::array<bool, 3> present_{};
  bool pending_ = false;
  Pfn start_;
};

// Which page tables a pass over a bundle needs besides kpageflags (always needed).
struct PageTableNeeds {
  bool counts = true;   // kpagecount
  bool cgroups = true;  // kpagecgroup
};

// Streams every page-frame chunk of the bundle at `path` (opening it anew), skipping chunks that
// end before `from`. Stops early when `visit` returns false. Returns what damage the stream met
// (the reader's damage and problems; empty if it stopped early or met none). Members are not
// hashed: zstd's frame checksums catch corrupt data (see BundleReader). Tables not in `needs`
// are skipped (unread where the bundle has member hints) and the chunks come without them.
std::vector<std::string> forEachPageChunk(const std::string& path, Pfn from,
                                          const std::function<bool(const PageFrameChunk&)>& visit,
                                          PageTableNeeds needs = {});

}  // namespace memsift::analysis
