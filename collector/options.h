// What one run of memsift-collect was asked to do: the command line, parsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace memsift::collector {

struct CollectOptions {
  std::string output;                 // -o: a path, "-" for stdout, empty for the default name
  bool force = false;                 // --force: replace an existing output file
  std::string root = "/";             // --root
  std::optional<uint64_t> page_size;  // --page-size
  bool page_tables = true;            // --no-page-frames (old spelling: --no-page-tables)
  bool smaps = true;                  // --no-smaps
  std::optional<uint64_t> max_pids;   // --max-pids
  std::optional<double> max_seconds;  // --max-seconds
  bool redact = false;                // --redact
  int level = 3;                      // --level (zstd)
  bool dry_run = false;               // --dry-run
  bool nice = true;                   // --no-nice
  unsigned jobs = 1;                  // --jobs: 2 or more read the page-frame tables in parallel
  bool quiet = false;                 // -q: no progress line, no summary
  // --byte-order: "big" or "little", the byte order of the page tables beneath --root (empty:
  // this machine's for the live host, inferred from the tree's proc/sys/kernel/arch otherwise).
  std::string byte_order;
  // --cgroup-inodes: "INODE<TAB>PATH" lines giving the memory cgroup directories' inode numbers
  // on the system the tree was copied from (what its kpagecgroup holds). Empty: st_ino.
  std::string cgroup_inodes;
  // --every SECONDS with --count N or --for DURATION: a snapshot series (series.h) of
  // `series_count` snapshots, the last the ordinary collection; 0 when no series was asked for.
  double every_seconds = 0;
  unsigned series_count = 0;
  std::optional<double> for_seconds;  // --for, as given (series_count is derived from it)
};

// As recorded in manifest.json under "options".
nlohmann::json optionsJson(const CollectOptions& options);

}  // namespace memsift::collector
