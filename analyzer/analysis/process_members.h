// What the analysis keeps of each process's members in a bundle (proc/PID/status, smaps_rollup,
// comm, cmdline, cgroup, and smaps, summed as its parts stream by: a process's smaps may run to
// hundreds of MiB and is never held whole). Fed by the bundle loader, member by member.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "common/bundle/members.h"
#include "common/parse/parse_issue.h"
#include "common/parse/smaps.h"

namespace memsift::analysis {

// A process's member, as bundle::members::parseProcessMember() takes its name apart.
using ProcMember = bundle::members::ProcessMember;

class ProcessMembers {
 public:
  ProcessMembers(std::vector<ProcessData>& processes, std::vector<parse::ParseIssue>& issues)
      : processes_(processes), issues_(issues) {}

  // Whether the analysis reads this file of a process: maps only of a process with io_uring
  // buffers (the collector stores fdinfo before maps), to tell which of them it still maps.
  bool wanted(const ProcMember& m) const;
  // A row of process-fds.tsv.
  void descriptors(bundle::ProcessFdRow row);
  // A whole member other than smaps (ends the smaps being summed).
  void member(const ProcMember& m, const std::string& text);

  // smaps arrives part by part: smapsStarts() for each part's member (false: a continuation
  // whose start never came, to be skipped), then smapsPart() with its text. `drop_carry`: the
  // part was cut by corrupt data, so the unsummed text before it may be wrong too.
  bool smapsStarts(const ProcMember& m);
  void smapsPart(const std::string& text, bool drop_carry);
  // Sums what is left of the current smaps into its process. Called before any other member.
  void flushSmaps();
  // At the end: a process without a name shows as "?".
  void finish();

 private:
  ProcessData& process(int pid);
  void sumSmaps(bool all);
  static void applySmaps(ProcessData& p, const parse::SmapsCounters& c);
  static constexpr size_t kMaxSmapsCarry = 1 << 20;
  void ringBuffers(ProcessData& p, const std::string& text, parse::IssueSink& sink);
  // maps, part by part: the bytes of the process's ring buffers that no mapping covers.
  void mapsPart(ProcessData& p, const ProcMember& m, const std::string& text,
                parse::IssueSink& sink);

  std::vector<ProcessData>& processes_;
  std::vector<parse::ParseIssue>& issues_;
  std::map<int, size_t> process_index_;
  // smaps of one process, summed as its parts stream by.
  int smaps_pid_ = 0;
  std::string smaps_carry_;  // the text of VMAs not summed yet
  parse::SmapsCounters smaps_totals_;
  std::optional<parse::IssueSink> smaps_issues_;
  // maps of one process: its ring buffers' bytes inside mappings so far, and the last
  // (incomplete) line of the part before.
  int maps_pid_ = 0;
  std::string maps_carry_;
  std::vector<uint64_t> ring_covered_;
};

}  // namespace memsift::analysis
