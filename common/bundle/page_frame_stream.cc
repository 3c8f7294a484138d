// Page-table members joined into PageFrameChunks (see page_frame_stream.h).
#include "common/bundle/page_frame_stream.h"

#include "common/bundle/frame_workers.h"
#include "common/bundle/manifest.h"

namespace memsift::bundle {

PageFrameStream::PageFrameStream(bool byte_swap, Visit visit, Pfn from)
    : byte_swap_(byte_swap), visit_(std::move(visit)), from_(from) {}

PageFrameStream::~PageFrameStream() = default;

bool PageFrameStream::offer(BundleReader& reader) {
  const MemberInfo& m = reader.current();
  if (!m.page_chunk) {
    deliver();
    return false;
  }
  // Before the pass's first PFN: skipped unread (next() skips the data).
  if (more_ && m.page_chunk->start + PageCount(m.size / 8) > from_) read(reader, *m.page_chunk);
  return true;
}

void PageFrameStream::read(BundleReader& reader, const PageChunkName& name) {
  const MemberInfo& m = reader.current();
  if (m.size % 8 != 0 || m.size > kPageChunkBytes) {
    damage_.push_back({m.name, 0, DamageKind::kMalformed,
                       "page-table member " + m.name + " has " + std::to_string(m.size) +
                           " bytes, not a whole number of frames"});
    return;
  }
  if (pending_ && name.start != start_) deliver();
  const auto t = static_cast<size_t>(name.table);
  reader.recycle(std::move(jobs_[t]));
  std::span<uint64_t>& view = views_[t];
  if ((jobs_[t] = reader.takeDecoded())) {
    view = jobs_[t]->words();  // decoded whole by a worker: not copied
  } else {
    auto& buf = tables_[t];
    buf.resize(m.size / 8);
    auto bytes = std::as_writable_bytes(std::span(buf));
    size_t got = 0;
    for (size_t n; got < bytes.size() && (n = reader.read(bytes.subspan(got))) > 0;)
      got += n;
    if (got < bytes.size() && reader.memberCorrupt()) {
      // Cut by corrupt data: what came before the error is not trustworthy either (the reader's
      // damage says where).
      view = {};
      return;
    }
    buf.resize(got / 8);  // a chunk cut by truncation keeps its intact frames
    view = buf;
  }
  if (byte_swap_) {
    for (uint64_t& v : view)
      v = __builtin_bswap64(v);
  }
  present_[t] = true;
  pending_ = true;
  start_ = name.start;
}

void PageFrameStream::finish() {
  deliver();
}

void PageFrameStream::deliver() {
  if (!pending_) return;
  pending_ = false;
  std::array<bool, 3> present = present_;
  present_ = {};
  if (!present[0] || views_[0].empty()) return;  // counts or cgroups without flags
  const std::span<const uint64_t> flags = views_[0];
  auto table = [&](size_t i) {
    return present[i] && views_[i].size() == flags.size() ? std::span<const uint64_t>(views_[i])
                                                          : std::span<const uint64_t>();
  };
  const PageFrameChunk chunk{start_, flags, table(1), table(2)};
  if (more_ && chunk.end() > from_) more_ = visit_(chunk);
}

std::vector<Damage> forEachPageChunk(const std::string& path, Pfn from,
                                     const PageFrameStream::Visit& visit, PageTableNeeds needs,
                                     unsigned jobs) {
  InputFile input(path);
  BundleReader reader(input, /*hash_members=*/false);
  reader.setDecodeThreads(jobs);
  std::vector<PageTable> skip;
  if (!needs.counts) skip.push_back(PageTable::kCount);
  if (!needs.cgroups) skip.push_back(PageTable::kCgroup);
  reader.skipPageTables(skip);
  PageFrameStream stream(readManifest(reader.manifest()).tablesNeedByteSwap(), visit, from);
  while (stream.wantsMore() && reader.next())
    stream.offer(reader);
  if (!stream.wantsMore()) return {};
  stream.finish();
  std::vector<Damage> damage = stream.takeDamage();
  if (reader.damage()) damage.insert(damage.begin(), *reader.damage());
  damage.insert(damage.end(), reader.problems().begin(), reader.problems().end());
  return damage;
}

}  // namespace memsift::bundle
