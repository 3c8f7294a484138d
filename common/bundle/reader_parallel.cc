// BundleReader's parallel decoding: page-table members' frames captured from the compressed
// stream, decoded by FrameWorkers a bounded number ahead, and handed out in stream order as if
// this thread had decoded them. A frame a worker finds not to be exactly as the writer makes it
// is given back to the zstd layer, with every frame captured after it, and read by this thread
// the usual way: damage then reads as it does with one thread (same member, offset and words).
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/bundle/bundle_reader_impl.h"

namespace memsift::bundle {

namespace {

// Frames in flight per worker: one being decoded, one waiting, so that no worker idles while
// this thread scans the chunk before.
constexpr size_t kFramesPerWorker = 2;
// About 2 MiB a frame in flight (its compressed bytes, with those of skipped tables before it,
// and its decoded content): peak memory does not grow with the host or the core count.
constexpr size_t kMaxFramesInFlight = 16;

}  // namespace

void BundleReader::Impl::startWorkers(unsigned threads) {
  if (threads < 2 || workers) return;
  depth = std::min(kMaxFramesInFlight, kFramesPerWorker * threads);
  workers = std::make_unique<FrameWorkers>(threads);
}

bool BundleReader::Impl::nextDecoded() {
  // A member whose hint is damaged, whose frame runs past the writer's bound or is not a
  // page-table member is not captured (capture() gives it back untouched).
  const uint64_t max_frame = ZSTD_compressBound(FrameJob::kMaxContent);
  auto want = [this](std::string_view name) {
    std::optional<PageChunkName> chunk = parsePageChunkMemberName(name);
    return chunk && !unwanted(chunk) && tar::isSafeMemberName(name);
  };
  while (in_flight.size() < depth) {
    std::unique_ptr<FrameJob> job;
    if (spare.empty()) {
      job = std::make_unique<FrameJob>();
    } else {
      job = std::move(spare.back());
      spare.pop_back();
    }
    if (!zstd.capture(want, max_frame, refuse_at, job->captured)) {
      spare.push_back(std::move(job));
      break;
    }
    job->hash = hash_members;
    workers->submit(*job);
    in_flight.push_back(std::move(job));
  }
  if (in_flight.empty()) return false;
  std::unique_ptr<FrameJob> job = std::move(in_flight.front());
  in_flight.pop_front();
  workers->wait(*job);
  if (!job->ok) {
    // Read again by this thread from its hint (skipped frames before it included), and every
    // frame captured after it: the zstd layer goes back to where its bytes began.
    const uint64_t offset = job->captured.offset;
    refuse_at = offset + job->captured.hint_at;
    std::vector<std::byte> back = std::move(job->captured.bytes);
    spare.push_back(std::move(job));
    for (std::unique_ptr<FrameJob>& later : in_flight) {
      workers->wait(*later);
      back.insert(back.end(), later->captured.bytes.begin(), later->captured.bytes.end());
      spare.push_back(std::move(later));
    }
    in_flight.clear();
    zstd.rewind(std::move(back), offset);
    return false;
  }
  for (MemberHint& h : job->captured.skipped) {
    last_name = h.member;
    census.skipped(h.member);
  }
  member.name = job->captured.hint.member;
  member.size = job->size;
  member.page_chunk = parsePageChunkMemberName(member.name);
  last_name = member.name;
  member_left = member.size;
  have_member = true;
  member_corrupt = false;
  produced_in_workers += job->content;
  ++members_from_workers;
  decoded = std::move(job);
  decoded_pos = 0;
  return true;
}

size_t BundleReader::Impl::readDecoded(std::span<std::byte> data) {
  std::span<const std::byte> all = decoded->data();
  size_t n = std::min(data.size(), all.size() - decoded_pos);
  std::memcpy(data.data(), all.data() + decoded_pos, n);
  decoded_pos += n;
  member_left -= n;
  return n;
}

void BundleReader::Impl::closeDecoded() {
  recycle(takeDecoded());
}

std::unique_ptr<FrameJob> BundleReader::Impl::takeDecoded() {
  census.read(member.name, member.size,
              decoded->hashed ? std::optional<uint64_t>(decoded->digest) : std::nullopt);
  have_member = false;
  member_left = 0;
  return std::move(decoded);
}

void BundleReader::Impl::recycle(std::unique_ptr<FrameJob> job) {
  // Never more spare buffers than frames may be in flight, with the caller's few.
  if (job && spare.size() < depth + 4) spare.push_back(std::move(job));
}

}  // namespace memsift::bundle
