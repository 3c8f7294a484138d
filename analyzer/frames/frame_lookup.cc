// Looking up single frames in the page-frame stream: each requested frame is taken as it passes,
// and the compound page around it is held (its three words per frame) until it ends, because a
// compound's category and extent are known only at its last tail.
#include "analyzer/frames/frame_lookup.h"

#include <algorithm>

#include "analyzer/frames/frame_scanner.h"
#include "common/bundle/page_frame_stream.h"
#include "common/kpf.h"

namespace memsift::frames {
namespace {

// Farthest a tail may be from its head: 2^18 frames is the largest compound page Linux makes
// (16 GiB pages of 64 KiB frames on ppc64, 1 GiB of 4 KiB frames); read four times that before.
constexpr uint64_t kLookBehind = uint64_t{1} << 20;

// The category FrameScanner gives these frames: they are one base page or one whole compound.
std::optional<FrameCategory> classify(const PfnLayout& layout, const PageFrameChunk& chunk) {
  FrameScanner scanner(layout);
  scanner.consume(chunk);
  const FrameCensus& census = scanner.finish();
  std::optional<FrameCategory> best;
  uint64_t best_pages = 0;
  for (size_t i = 0; i < kFrameCategoryCount; ++i) {
    const uint64_t pages = census.categories[i].pages.value();
    if (pages > best_pages) best = static_cast<FrameCategory>(i), best_pages = pages;
  }
  return best;
}

class Lookup {
 public:
  Lookup(const std::vector<Pfn>& pfns, const PfnLayout& layout) : pfns_(pfns), layout_(layout) {
    results_.resize(pfns.size());
    for (size_t i = 0; i < pfns.size(); ++i)
      results_[i].pfn = pfns[i];
  }

  bool visit(const PageFrameChunk& chunk) {
    if (started_ && chunk.start != next_pfn_) endCompound();  // a gap: nothing continues over it
    started_ = true;
    next_pfn_ = chunk.end();
    constexpr uint64_t head_bit = kpf::bit(kpf::kCompoundHead),
                       tail_bit = kpf::bit(kpf::kCompoundTail);
    for (size_t i = 0; i < chunk.flags.size(); ++i) {
      const Pfn pfn = chunk.start + PageCount(i);
      const FrameWords w{pfn, chunk.flags[i],
                         chunk.hasCounts() ? std::optional(chunk.counts[i]) : std::nullopt,
                         chunk.hasCgroups() ? std::optional(chunk.cgroups[i]) : std::nullopt};
      if (!(w.flags & tail_bit) || !open_) {
        endCompound();
        if (w.flags & head_bit) startCompound(w);
      } else {
        holdFrame(w);
      }
      while (wanted_ < pfns_.size() && pfns_[wanted_] < pfn)
        ++wanted_;  // in no chunk: a gap in the tables
      if (wanted_ < pfns_.size() && pfns_[wanted_] == pfn) take(wanted_++, w);
      if (wanted_ == pfns_.size() && !open_) return false;
    }
    return true;
  }

  std::vector<FrameLookup> finish() {
    endCompound();
    return std::move(results_);
  }

 private:
  void take(size_t index, const FrameWords& w) {
    FrameLookup& r = results_[index];
    r.in_tables = true;
    r.frame = w;
    if (open_) {
      r.role = w.pfn == head_.pfn ? CompoundRole::kHead : CompoundRole::kTail;
      pending_.push_back(index);
      return;
    }
    if (w.flags & kpf::bit(kpf::kCompoundTail)) r.role = CompoundRole::kTail;  // its head unread
    r.category = classify(
        layout_, chunkOf(w.pfn, std::span(&w.flags, 1), w.count ? std::span(&*w.count, 1) : Span(),
                         w.cgroup ? std::span(&*w.cgroup, 1) : Span()));
  }

  using Span = std::span<const uint64_t>;
  static PageFrameChunk chunkOf(Pfn start, Span flags, Span counts, Span cgroups) {
    return {start, flags, counts, cgroups};
  }

  void startCompound(const FrameWords& head) {
    open_ = true;
    head_ = head;
    flags_.clear();
    counts_.clear();
    cgroups_.clear();
    with_counts_ = head.count.has_value();
    with_cgroups_ = head.cgroup.has_value();
    overflow_ = false;
    holdFrame(head);
  }

  void holdFrame(const FrameWords& w) {
    with_counts_ = with_counts_ && w.count;
    with_cgroups_ = with_cgroups_ && w.cgroup;
    ++pages_;
    mapped_ += w.count.value_or(0) > 0;
    if (flags_.size() >= kLookBehind) {
      overflow_ = true;  // longer than any compound page: its category is not told
      return;
    }
    flags_.push_back(w.flags);
    counts_.push_back(w.count.value_or(0));
    cgroups_.push_back(w.cgroup.value_or(0));
  }

  void endCompound() {
    if (!open_) return;
    open_ = false;
    CompoundExtent extent{head_, pages_, mapped_, with_counts_};
    std::optional<FrameCategory> category;
    if (!pending_.empty() && !overflow_) {
      category = classify(layout_, chunkOf(head_.pfn, flags_, with_counts_ ? Span(counts_) : Span(),
                                           with_cgroups_ ? Span(cgroups_) : Span()));
    }
    for (size_t index : pending_) {
      results_[index].compound = extent;
      results_[index].category = category;
    }
    pending_.clear();
    pages_ = mapped_ = 0;
  }

  const std::vector<Pfn>& pfns_;
  const PfnLayout& layout_;
  std::vector<FrameLookup> results_;
  size_t wanted_ = 0;
  bool started_ = false;
  Pfn next_pfn_;
  // The compound page being read.
  bool open_ = false;
  FrameWords head_;
  std::vector<uint64_t> flags_, counts_, cgroups_;
  bool with_counts_ = true, with_cgroups_ = true, overflow_ = false;
  uint64_t pages_ = 0, mapped_ = 0;
  std::vector<size_t> pending_;  // requested frames inside it
};

}  // namespace

std::vector<FrameLookup> lookUpFrames(const std::string& path, const std::vector<Pfn>& pfns,
                                      const PfnLayout& layout,
                                      std::vector<bundle::Damage>& damage) {
  if (pfns.empty()) return {};
  Lookup lookup(pfns, layout);
  const uint64_t first = pfns.front().value();
  const Pfn from(first - std::min(first, kLookBehind));
  std::vector<bundle::Damage> met = bundle::forEachPageChunk(
      path, from, [&](const PageFrameChunk& chunk) { return lookup.visit(chunk); });
  damage.insert(damage.end(), met.begin(), met.end());
  return lookup.finish();
}

}  // namespace memsift::frames
