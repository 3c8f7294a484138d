// What a run did, as index.json records it ("collection") and as the closing summary tells it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "collector/recorder.h"

namespace memsift::collector {

struct RunFigures {
  uint64_t page_frames = 0;
  SourceStatus page_flags_status = SourceStatus::kOk;
  uint64_t processes = 0;
  uint64_t processes_vanished = 0;
  uint64_t cgroups = 0;
  std::string stopped;  // "" or "SIGTERM", "--max-seconds 5"
  double elapsed_seconds = 0;
  CollectionStats stats;
  uint64_t uncompressed_bytes = 0;  // known only after finish()
  uint64_t compressed_bytes = 0;
  // The collector's own peak RSS, for a live collection only: its buffers are anonymous memory on
  // the host's LRU while the page tables are read, so the scan sees them and the counters read
  // before and after may not. The analyzer widens its scan-versus-counters bound by this much.
  std::optional<uint64_t> own_peak_rss_bytes;
  // A snapshot series' record in index.json (SnapshotSeries::indexJson()), or null.
  nlohmann::json series;
};

nlohmann::json figuresJson(const RunFigures& figures);

// The closing summary on stderr: the file, its size, what is missing and why, and advice.
void printSummary(std::FILE* out, std::string_view target, const RunFigures& figures,
                  std::string_view root);

}  // namespace memsift::collector
