// The run's figures for index.json and for people.
#include "collector/summary.h"

namespace memsift::collector {

nlohmann::json figuresJson(const RunFigures& f) {
  nlohmann::json j = {
      {"page_frames", f.page_frames},
      {"processes", f.processes},
      {"processes_vanished", f.processes_vanished},
      {"cgroups", f.cgroups},
      {"elapsed_seconds", f.elapsed_seconds},
      {"bytes_read", f.stats.bytes_read},
  };
  j["stopped"] = f.stopped.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.stopped);
  if (f.own_peak_rss_bytes) j["own_peak_rss_bytes"] = *f.own_peak_rss_bytes;
  return j;
}

void printSummary(std::FILE* out, std::string_view target, const RunFigures& f,
                  std::string_view root) {
  if (target == "-") target = "standard output";
  std::fprintf(out,
               "memsift-collect: wrote %.*s: %s (%s before compression), %llu members, %.1f s\n",
               static_cast<int>(target.size()), target.data(),
               humanBytes(f.compressed_bytes).c_str(), humanBytes(f.uncompressed_bytes).c_str(),
               static_cast<unsigned long long>(f.stats.members), f.elapsed_seconds);
  if (!root.empty()) {
    std::fprintf(out, "memsift-collect: read from the system root %.*s\n",
                 static_cast<int>(root.size()), root.data());
  }
  std::fprintf(out,
               "memsift-collect: %llu page frames, %llu processes (%llu vanished while read), "
               "%llu memory cgroups\n",
               static_cast<unsigned long long>(f.page_frames),
               static_cast<unsigned long long>(f.processes),
               static_cast<unsigned long long>(f.processes_vanished),
               static_cast<unsigned long long>(f.cgroups));
  if (f.series.is_object()) {
    std::fprintf(out, "memsift-collect: a series of %s snapshots (of %s requested), every %s s%s\n",
                 f.series["snapshots"].dump().c_str(), f.series["requested"].dump().c_str(),
                 f.series["every_seconds"].dump().c_str(),
                 f.series["interrupted"] == true ? ", cut short by a signal" : "");
  }
  for (size_t i = 1; i < CollectionStats::kStatuses; ++i) {
    uint64_t n = f.stats.status_counts[i];
    if (n == 0) continue;
    std::string_view status = bundle::sourceStatusName(static_cast<SourceStatus>(i));
    std::string examples;
    for (const std::string& e : f.stats.examples[i]) {
      examples += examples.empty() ? "" : ", ";
      examples += e;
    }
    if (n > f.stats.examples[i].size()) examples += ", ...";
    std::fprintf(out, "memsift-collect: %llu %.*s: %s\n", static_cast<unsigned long long>(n),
                 static_cast<int>(status.size()), status.data(), examples.c_str());
  }
  if (f.stats.without_address_space > 0) {
    std::fprintf(out,
                 "memsift-collect: %llu processes without an address space (kernel threads): "
                 "no smaps_rollup to read\n",
                 static_cast<unsigned long long>(f.stats.without_address_space));
  }
  if (f.page_flags_status == SourceStatus::kDenied) {
    std::fputs(
        "memsift-collect: hint: the page-frame tables (/proc/kpageflags, kpagecount, "
        "kpagecgroup) are readable only by root: run memsift-collect as root to capture them\n",
        out);
  }
  if (!f.stopped.empty()) {
    std::fprintf(out, "memsift-collect: stopped early (%s): the bundle is marked incomplete\n",
                 f.stopped.c_str());
  }
}

}  // namespace memsift::collector
