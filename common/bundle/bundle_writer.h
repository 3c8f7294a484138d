// Writes a bundle as a stream: tar members compressed with zstd into a ByteSink, in constant
// memory whatever the host size (each member is passed in whole by the caller and not kept).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/bundle/bundle_format.h"
#include "common/bundle/byte_stream.h"
#include "common/bundle/manifest.h"
#include "common/bundle/page_chunk_compressor.h"
#include "common/units.h"

namespace memsift::bundle {

struct BundleWriterOptions {
  int zstd_level = 3;
  // A new zstd frame starts at the first member boundary after this many input bytes, so that a
  // reader can resynchronise after damage and skip less.
  uint64_t frame_bytes = 8ull << 20;
  // Modification time written into tar headers (seconds since the epoch).
  int64_t mtime = 0;
};

class BundleWriter {
 public:
  BundleWriter(ByteSink& sink, const BundleWriterOptions& options);
  ~BundleWriter();
  BundleWriter(const BundleWriter&) = delete;
  BundleWriter& operator=(const BundleWriter&) = delete;

  // manifest.json: must be the first member, written from its typed fields (manifest.h). The
  // JSON form takes any object, for tests that need a manifest the collector would never write;
  // both get "format", "tool" and "page_chunk_frames" from manifestText().
  void writeManifest(const Manifest& manifest);
  void writeManifest(nlohmann::json manifest);

  // One member with its whole content. Names are relative ("proc/meminfo"), never absolute and
  // never containing "..". Throws Error(kOutput) when the sink fails.
  void addMember(std::string_view name, std::span<const std::byte> data);
  void addMember(std::string_view name, std::string_view text);

  // One chunk of a page-frame table (raw native-endian u64 per frame).
  void addPageChunk(PageTable table, Pfn start, std::span<const std::byte> data);
  // The same, compressed elsewhere (a thread of the caller's) by a compressor this writer made:
  // the frame is what addPageChunk() would have written.
  std::unique_ptr<PageChunkCompressor> pageChunkCompressor() const;
  void addCompressedPageChunk(const CompressedPageChunk& chunk);

  // A source that was not read whole, and why; listed in index.json under "sources" (between
  // beginSeriesSnapshot() and endSeriesSnapshot(), in series/K/index.json's).
  // `member` is the member name it would have had; detail is free text ("EACCES", "5 s limit").
  void recordSource(std::string_view member, SourceStatus status, std::string_view detail = {});

  // Cheap snapshot `seq` of a series (format 1.3): the members added until endSeriesSnapshot()
  // go into series wrappers (series_wrapper.h), a wrapper ending at the first member boundary
  // after kSeriesWrapperBytes of compressed bytes; endSeriesSnapshot() adds series/K/index.json
  // (the snapshot's members and sources) as the last member inside, and forgets the snapshot's
  // records: the writer's memory does not grow with the number of snapshots. No page chunks in
  // between.
  void beginSeriesSnapshot(unsigned seq);
  void endSeriesSnapshot();
  static constexpr uint64_t kSeriesWrapperBytes = 1ull << 20;

  // Writes index.json (members outside series wrappers, sources, "complete", plus `extra` keys),
  // the tar end marker and ends the zstd stream. After finish() the writer accepts nothing more.
  void finish(bool complete, const nlohmann::json& extra = nlohmann::json::object());

  uint64_t membersWritten() const;
  uint64_t uncompressedBytes() const;  // tar bytes produced so far
  uint64_t compressedBytes() const;    // bytes handed to the sink so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memsift::bundle
