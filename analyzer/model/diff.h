// What `memsift diff OLD NEW` found between two bundles of one host: what grew and shrank per
// ledger line, per page-frame category (and per category and cgroup, per node), per memory
// cgroup and per process, and which findings appeared, grew, shrank or went away. Plain data,
// rendered by report/diff_renderer.h; byte changes are signed, rates per hour of elapsed time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/units.h"

namespace memsift::report {

struct DiffSide {
  std::string hostname, kernel, boot_id;  // boot_id "" when the bundle lacks it
  std::string collected_at;               // ISO 8601 UTC
  std::optional<double> uptime_seconds;
};

// One figure in both bundles. `before`/`after` absent where a bundle lacks the figure.
struct Change {
  std::string id;     // ledger line id, category id, finding id, cgroup path, ...
  std::string label;  // for people ("Anonymous LRU, active"); may be empty
  std::optional<ByteCount> before, after;
  int64_t delta() const {
    return static_cast<int64_t>(after.value_or(ByteCount()).value()) -
           static_cast<int64_t>(before.value_or(ByteCount()).value());
  }
};

struct CategoryCgroupChange {
  std::string category;  // frame category id
  std::string cgroup;    // path, or "@INODE" when neither bundle names it
  Change bytes;
};

struct CategoryNodeChange {
  std::string category;
  int node = -1;
  Change bytes;
};

struct CgroupChange {
  std::string path;
  Change usage;     // memory.current / usage_in_bytes
  Change frames;    // page scan: frames charged to it
  Change unmapped;  // page scan: unmapped anon (THP or not)
  bool appeared = false, gone = false;
};

struct ProcessChange {
  int pid = 0;
  std::string comm;
  std::string cgroup;
  Change rss, anon;  // smaps/status RSS; status RssAnon
  bool appeared = false, gone = false;
};

struct FindingChange {
  std::string id;
  std::string severity;  // the newer bundle's, else the older's
  std::string status;    // "appeared", "gone", "grew", "shrank", "unchanged"
  Change bytes;
};

struct DiffReport {
  std::string schema = "memsift-diff/1";
  DiffSide before, after;
  bool same_host = true;          // hostnames equal
  std::optional<bool> same_boot;  // boot ids equal; nullopt when a bundle lacks one
  bool forced = false;            // --force: compared although host or boot differ
  std::optional<double> elapsed_seconds;
  std::string elapsed_source;  // "uptime" (same boot) or "collection times"
  std::vector<FindingChange> findings;
  std::vector<Change> ledger;      // every line, in the ledger's order, and the residual
  std::vector<Change> categories;  // every frame category present in either
  std::vector<CategoryNodeChange> category_nodes;      // changed ones, largest change first
  std::vector<CategoryCgroupChange> category_cgroups;  // changed ones, largest first, at most top
  uint64_t category_cgroup_count = 0;                  // changed ones in all
  std::vector<CgroupChange> cgroups;                   // largest change first, at most top
  uint64_t cgroup_count = 0;
  std::vector<ProcessChange> processes;  // matched by pid and start time; largest first
  uint64_t process_count = 0;
  uint64_t processes_appeared = 0, processes_gone = 0;
  bool frames = false;  // both bundles have page-frame tables
};

// Bytes per hour of a change, when the elapsed time is known and positive.
inline std::optional<double> perHour(const DiffReport& d, int64_t delta) {
  if (!d.elapsed_seconds || *d.elapsed_seconds <= 0) return std::nullopt;
  return static_cast<double>(delta) * 3600.0 / *d.elapsed_seconds;
}

}  // namespace memsift::report
