// Assembly of page-table chunks from bundle members.
#include "analyzer/analysis/page_chunk_assembler.h"
#include "common/json/json_field.h"

#include <bit>

namespace memsift::analysis {

std::string PageChunkAssembler::add(bundle::BundleReader& reader,
                                    const bundle::PageChunkName& name) {
  uint64_t size = reader.current().size;
  if (size % 8 != 0 || size > bundle::kPageChunkBytes) {
    return "page-table member " + reader.current().name + " has " + std::to_string(size) +
           " bytes, not a whole number of frames";
  }
  if (pending_ && name.start != start_) flush();
  auto& buf = tables_[static_cast<size_t>(name.table)];
  buf.resize(size / 8);
  auto bytes = std::as_writable_bytes(std::span(buf));
  size_t got = 0;
  for (size_t n; got < bytes.size() && (n = reader.read(bytes.subspan(got))) > 0;)
    got += n;
  if (got < bytes.size() && reader.memberCorrupt()) {
    // Cut by corrupt data: what came before the error is not trustworthy either.
    buf.clear();
    return {};
  }
  buf.resize(got / 8);  // a chunk cut by truncation keeps its intact frames
  if (byte_swap_) {
    for (uint64_t& v : buf)
      v = __builtin_bswap64(v);
  }
  present_[static_cast<size_t>(name.table)] = true;
  pending_ = true;
  start_ = name.start;
  return {};
}

void PageChunkAssembler::flush() {
  if (!pending_) return;
  pending_ = false;
  std::array<bool, 3> present = present_;
  present_ = {};
  if (!present[0] || tables_[0].empty()) return;  // counts or cgroups without flags
  const auto& flags = tables_[0];
  auto table = [&](size_t i) {
    return present[i] && tables_[i].size() == flags.size() ? std::span<const uint64_t>(tables_[i])
                                                           : std::span<const uint64_t>();
  };
  sink_({start_, flags, table(1), table(2)});
}

bool PageChunkAssembler::needsByteSwap(const nlohmann::json& manifest) {
  const nlohmann::json& host = jsonField(manifest, "host");
  if (!host.is_object() || !jsonField(host, "byte_order").is_string()) return false;
  bool big = jsonField(host, "byte_order") == "big";
  return big != (std::endian::native == std::endian::big);
}

std::vector<std::string> forEachPageChunk(const std::string& path, Pfn from,
                                          const std::function<bool(const PageFrameChunk&)>& visit,
                                          PageTableNeeds needs) {
  bundle::InputFile input(path);
  bundle::BundleReader reader(input, /*hash_members=*/false);
  std::vector<bundle::PageTable> skip;
  if (!needs.counts) skip.push_back(bundle::PageTable::kCount);
  if (!needs.cgroups) skip.push_back(bundle::PageTable::kCgroup);
  reader.skipPageTables(skip);
  bool more = true;
  std::vector<std::string> damage;
  PageChunkAssembler assembler(PageChunkAssembler::needsByteSwap(reader.manifest()),
                               [&](const PageFrameChunk& chunk) {
                                 if (more && chunk.end() > from) more = visit(chunk);
                               });
  while (more && reader.next()) {
    const auto& m = reader.current();
    if (!m.page_chunk) {
      assembler.flush();
      continue;
    }
    if (m.page_chunk->start + PageCount(m.size / 8) <= from) continue;  // before the pass
    std::string problem = assembler.add(reader, *m.page_chunk);
    if (!problem.empty()) damage.push_back(std::move(problem));
  }
  if (!more) return {};
  assembler.flush();
  if (reader.damage()) damage.insert(damage.begin(), *reader.damage());
  for (const std::string& p : reader.problems())
    damage.push_back(p);
  return damage;
}

}  // namespace memsift::analysis
