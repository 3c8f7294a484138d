// Recorder bookkeeping shared by the bundle and the dry-run listing.
#include "collector/recorder.h"

namespace memsift::collector {

void Recorder::member(std::string_view name, std::span<const std::byte> data) {
  writeMember(name, data);
  ++stats_.members;
  stats_.bytes_read += data.size();
  progress_.update(stats_.bytes_read, bytesWritten());
}

void Recorder::pageChunk(const bundle::CompressedPageChunk& chunk) {
  writeCompressedPageChunk(chunk);
  ++stats_.members;
  stats_.bytes_read += chunk.data_bytes;
  if (chunk.table == bundle::PageTable::kFlags) stats_.page_frames += chunk.data_bytes / 8;
  progress_.update(stats_.bytes_read, bytesWritten());
}

void Recorder::source(std::string_view name, SourceStatus status, std::string_view detail) {
  writeSource(name, status, detail);
  auto i = static_cast<size_t>(status);
  if (i >= CollectionStats::kStatuses) return;
  ++stats_.status_counts[i];
  if (stats_.examples[i].size() < CollectionStats::kExamples) stats_.examples[i].emplace_back(name);
}

void Recorder::sourceWithoutAddressSpace(std::string_view name) {
  writeSource(name, SourceStatus::kAbsent, "ESRCH: no address space (kernel thread or zombie)");
  ++stats_.without_address_space;
}

void DryRunRecorder::planned(std::string_view member) {
  std::fprintf(out_, "read      %.*s\n", static_cast<int>(member.size()), member.data());
}

void DryRunRecorder::writeSource(std::string_view name, SourceStatus status,
                                 std::string_view detail) {
  std::string_view s = bundle::sourceStatusName(status);
  std::fprintf(out_, "%-9.*s %.*s%s%.*s%s\n", static_cast<int>(s.size()), s.data(),
               static_cast<int>(name.size()), name.data(), detail.empty() ? "" : "  (",
               static_cast<int>(detail.size()), detail.data(), detail.empty() ? "" : ")");
}

}  // namespace memsift::collector
