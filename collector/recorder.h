// Where collected sources go: into a bundle, or (--dry-run) onto a listing of what would be read.
// Both count what passed through them, for the progress line and the closing summary.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collector/progress.h"
#include "common/bundle/bundle_format.h"
#include "common/bundle/bundle_writer.h"
#include "common/units.h"

namespace memsift::collector {

using bundle::SourceStatus;

struct CollectionStats {
  static constexpr size_t kStatuses = 7;  // SourceStatus values
  static constexpr size_t kExamples = 4;  // names kept per status for the summary
  uint64_t members = 0;
  uint64_t bytes_read = 0;  // text and page-table bytes handed over
  uint64_t page_frames = 0;
  std::array<uint64_t, kStatuses> status_counts{};
  // smaps_rollup of kernel threads (no address space): recorded as absent in the index, but
  // counted apart so that the summary does not present them as missing data.
  uint64_t without_address_space = 0;
  // The first few sources per status: memory stays bounded however many processes vanish.
  std::array<std::vector<std::string>, kStatuses> examples;
};

class Recorder {
 public:
  explicit Recorder(Progress& progress) : progress_(progress) {}
  virtual ~Recorder() = default;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // True for --dry-run: readers then open sources (to learn their status) but read nothing.
  virtual bool dryRun() const = 0;
  // Compressed bytes written so far.
  virtual uint64_t bytesWritten() const = 0;

  void member(std::string_view name, std::span<const std::byte> data);
  void member(std::string_view name, std::string_view text) {
    member(name, std::span(reinterpret_cast<const std::byte*>(text.data()), text.size()));
  }
  // A page-table chunk, compressed on another thread by a compressor from
  // pageChunkCompressor() (null for --dry-run, which reads no page table).
  virtual std::unique_ptr<bundle::PageChunkCompressor> pageChunkCompressor() const = 0;
  void pageChunk(const bundle::CompressedPageChunk& chunk);
  // A source not read whole, and why (never called for kOk).
  void source(std::string_view name, SourceStatus status, std::string_view detail = {});
  // A process file that does not apply: the process has no address space (a kernel thread or
  // a zombie), so the kernel refuses its smaps_rollup with ESRCH.
  void sourceWithoutAddressSpace(std::string_view name);
  // --dry-run only: a source that would be read into `member`.
  virtual void planned(std::string_view member) = 0;
  // Around a series' cheap snapshot `seq`: in a bundle its members go into series wrappers with
  // an index of their own (BundleWriter::beginSeriesSnapshot()).
  virtual void beginSnapshot(unsigned seq) = 0;
  virtual void endSnapshot() = 0;

  const CollectionStats& stats() const { return stats_; }
  Progress& progress() { return progress_; }

 protected:
  virtual void writeMember(std::string_view name, std::span<const std::byte> data) = 0;
  virtual void writeCompressedPageChunk(const bundle::CompressedPageChunk& chunk) = 0;
  virtual void writeSource(std::string_view name, SourceStatus status, std::string_view detail) = 0;

 private:
  Progress& progress_;
  CollectionStats stats_;
};

// Into a bundle.
class BundleRecorder : public Recorder {
 public:
  BundleRecorder(bundle::BundleWriter& writer, Progress& progress)
      : Recorder(progress), writer_(writer) {}
  bool dryRun() const override { return false; }
  uint64_t bytesWritten() const override { return writer_.compressedBytes(); }
  void planned(std::string_view) override {}
  void beginSnapshot(unsigned seq) override { writer_.beginSeriesSnapshot(seq); }
  void endSnapshot() override { writer_.endSeriesSnapshot(); }
  std::unique_ptr<bundle::PageChunkCompressor> pageChunkCompressor() const override {
    return writer_.pageChunkCompressor();
  }

 protected:
  void writeMember(std::string_view name, std::span<const std::byte> data) override {
    writer_.addMember(name, data);
  }
  void writeCompressedPageChunk(const bundle::CompressedPageChunk& chunk) override {
    writer_.addCompressedPageChunk(chunk);
  }
  void writeSource(std::string_view name, SourceStatus status, std::string_view detail) override {
    writer_.recordSource(name, status, detail);
  }

 private:
  bundle::BundleWriter& writer_;
};

// --dry-run: one line per source on `out`: "read    proc/meminfo" or "denied  proc/kpageflags".
class DryRunRecorder : public Recorder {
 public:
  DryRunRecorder(std::FILE* out, Progress& progress) : Recorder(progress), out_(out) {}
  bool dryRun() const override { return true; }
  uint64_t bytesWritten() const override { return 0; }
  void planned(std::string_view member) override;
  void beginSnapshot(unsigned) override {}
  void endSnapshot() override {}
  std::unique_ptr<bundle::PageChunkCompressor> pageChunkCompressor() const override {
    return nullptr;
  }

 protected:
  void writeMember(std::string_view name, std::span<const std::byte>) override { planned(name); }
  void writeCompressedPageChunk(const bundle::CompressedPageChunk&) override {}
  void writeSource(std::string_view name, SourceStatus status, std::string_view detail) override;

 private:
  std::FILE* out_;
};

}  // namespace memsift::collector
