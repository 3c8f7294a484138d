// The series half of the bundle loader: the members under series/K/ (memsift-collect --every,
// members.h "Snapshot series"), read as they stream by into SeriesData, one snapshot at a time.
// Only the numbers of series_data.h are kept (and each snapshot's meminfo text, which its parse
// views point into), never the members. The final snapshot is the bundle's ordinary members:
// finish() fills it from what the rest of the loader made of them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "common/bundle/manifest.h"
#include "common/bundle/members.h"

namespace memsift::analysis {

class SeriesLoader {
 public:
  // The hierarchies the manifest names: a snapshot's cgroup members are beneath them.
  SeriesLoader(const bundle::Manifest& manifest, std::vector<bundle::Damage>& damage);

  // Whether the loader reads this series member (the rest are skipped unread).
  bool wanted(const bundle::members::SeriesMember& m) const;
  // Whether it keeps the member's text (meminfo): the caller counts it against its budget.
  static bool keepsText(const bundle::members::SeriesMember& m);
  // A whole series member, in bundle order.
  void member(const bundle::members::SeriesMember& m, const std::string& text);

  // After the last member: the final snapshot from `d`'s ordinary members, the figures the
  // manifest and index.json give, and d.series when the bundle held at least two snapshots.
  void finish(BundleData& d);

 private:
  struct Hierarchy {
    int id = 0;
    std::string prefix;  // member directory of its mount point: "sys/fs/cgroup/memory"
    std::string root;    // the hierarchy's path mounted there ("/" mostly)
  };
  // One snapshot's processes while it streams by, by pid (so in pid order at its end).
  struct PendingProcess {
    SeriesProcess figures;
    bool kernel_thread = false;  // status without VmRSS: no memory of its own to grow
  };

  void start(const bundle::members::SeriesMember& m, const std::string& text);
  void endSnapshot();
  void cgroupMember(std::string_view name, const std::string& text);
  void processMember(const bundle::members::ProcessMember& p, std::string_view name,
                     const std::string& text);
  void kernelLog(const std::string& text);

  std::vector<Hierarchy> hierarchies_;
  std::vector<std::string> hierarchy_dirs_;  // their prefixes, as parseCgroupMember takes them
  std::vector<bundle::Damage>& damage_;
  std::vector<parse::ParseIssue> issues_;  // a snapshot's malformed lines: the final's are listed
  std::vector<Snapshot> snapshots_;
  std::optional<Snapshot> current_;  // the cheap snapshot being read
  std::optional<double> first_boottime_;
  std::map<std::string, size_t, std::less<>> cgroup_index_;  // member dir -> current_->cgroups
  std::map<int, PendingProcess> processes_;
  // The final snapshot's record (series/N/snapshot.json): its data come in finish().
  std::optional<Snapshot> final_;
  // The kernel log's last sequence number read in the series: the final snapshot's new records
  // are those after it.
  std::optional<uint64_t> last_kmsg_seq_;
  bool refused_ = false;  // snapshots past kMaxSeriesSnapshots were left out (and said so)
};

}  // namespace memsift::analysis
