// Process members into ProcessData (see process_members.h).
#include "analyzer/analysis/process_members.h"

#include <algorithm>

#include "common/parse/fields.h"
#include "common/parse/proc_cgroup.h"
#include "common/parse/proc_stat.h"
#include "common/parse/status.h"

namespace memsift::analysis {

namespace members = bundle::members;

bool ProcessMembers::wanted(const ProcMember& m) const {
  if (m.file == members::kProcMaps) {
    auto it = process_index_.find(m.pid);
    return it != process_index_.end() && !processes_[it->second].ring_buffers.empty();
  }
  for (std::string_view f :
       {members::kProcStatus, members::kProcSmapsRollup, members::kProcSmaps, members::kProcComm,
        members::kProcCmdline, members::kProcCgroup, members::kProcStat}) {
    if (m.file == f) return true;
  }
  return m.file.starts_with(members::kProcFdinfoDir) &&
         m.file.size() > members::kProcFdinfoDir.size() &&
         m.file[members::kProcFdinfoDir.size()] == '/';
}

void ProcessMembers::descriptors(bundle::ProcessFdRow row) {
  ProcessData& p = process(row.pid);
  p.fds = std::move(row);
}

void ProcessMembers::ringBuffers(ProcessData& p, const std::string& text, parse::IssueSink& sink) {
  for (const parse::RingBuffer& b : parse::parseRingBuffers(text, sink)) {
    p.ring_bytes += ByteCount(b.len);
    if (p.ring_buffers.size() < kMaxRingBuffers) p.ring_buffers.push_back(b);
  }
}

void ProcessMembers::mapsPart(ProcessData& p, const ProcMember& m, const std::string& text,
                              parse::IssueSink& sink) {
  if (m.part == 1 || maps_pid_ != m.pid) {
    maps_pid_ = m.pid;
    maps_carry_.clear();
    ring_covered_.assign(p.ring_buffers.size(), 0);
  }
  // Parts are cut anywhere: the last line may continue in the next part.
  maps_carry_ += text;
  const size_t end = maps_carry_.rfind('\n');
  std::string_view whole =
      end == std::string::npos ? std::string_view() : std::string_view(maps_carry_).substr(0, end);
  parse::forEachMapping(whole, sink, [&](const parse::Mapping& map) {
    for (size_t i = 0; i < p.ring_buffers.size(); ++i) {
      const parse::RingBuffer& b = p.ring_buffers[i];
      const uint64_t lo = std::max(b.addr, map.start), hi = std::min(b.addr + b.len, map.end);
      if (hi > lo) ring_covered_[i] += hi - lo;
    }
  });
  maps_carry_.erase(0, end == std::string::npos ? 0 : end + 1);
  // Mappings do not overlap, so what they cover of a buffer adds up.
  uint64_t unmapped = 0;
  for (size_t i = 0; i < p.ring_buffers.size(); ++i)
    unmapped += p.ring_buffers[i].len - std::min(ring_covered_[i], p.ring_buffers[i].len);
  p.ring_unmapped = ByteCount(unmapped);
  p.ring_maps_read = true;
}

bool ProcessMembers::smapsStarts(const ProcMember& m) {
  if (m.part == 1) {
    flushSmaps();
    smaps_pid_ = m.pid;
    smaps_issues_.emplace(members::processMember(m.pid, members::kProcSmaps), issues_);
    return true;
  }
  return smaps_pid_ == m.pid;
}

void ProcessMembers::smapsPart(const std::string& text, bool drop_carry) {
  if (drop_carry) smaps_carry_.clear();
  smaps_carry_ += text;
  sumSmaps(/*all=*/false);
}

ProcessData& ProcessMembers::process(int pid) {
  auto [it, inserted] = process_index_.try_emplace(pid, processes_.size());
  if (inserted) {
    processes_.emplace_back();
    processes_.back().pid = pid;
  }
  return processes_[it->second];
}

void ProcessMembers::member(const ProcMember& m, const std::string& text) {
  flushSmaps();
  ProcessData& p = process(m.pid);
  const std::string member = members::processMember(m.pid, m.file);
  parse::IssueSink sink(member, issues_);
  if (m.file == members::kProcStatus) {
    parse::ProcStatus s = parse::parseStatus(text, sink);
    p.has_status = true;
    if (auto name = s.text("Name"); name && p.comm.empty()) p.comm = std::string(*name);
    p.kernel_thread = !s.bytes("VmRSS").has_value();
    p.vm_rss = s.bytes("VmRSS").value_or(ByteCount());
    p.rss_anon = s.bytes("RssAnon").value_or(ByteCount());
    p.rss_file = s.bytes("RssFile").value_or(ByteCount());
    p.rss_shmem = s.bytes("RssShmem").value_or(ByteCount());
    p.vm_swap = s.bytes("VmSwap").value_or(ByteCount());
    p.hugetlb = s.bytes("HugetlbPages").value_or(ByteCount());
    p.threads = s.number("Threads").value_or(0);
    p.vm_pin = s.bytes("VmPin");
    p.vm_lck = s.bytes("VmLck");
  } else if (m.file == members::kProcSmapsRollup) {
    applySmaps(p, parse::parseSmapsTotals(text, sink).counters);
    p.has_rollup = true;
  } else if (m.file == members::kProcComm) {
    p.comm = std::string(parse::oneLineValue(text));
  } else if (m.file == members::kProcCmdline) {
    std::string c = text;
    while (!c.empty() && c.back() == '\0')
      c.pop_back();
    std::replace(c.begin(), c.end(), '\0', ' ');
    p.cmdline = std::move(c);
  } else if (m.file == members::kProcStat) {
    p.start_time = parse::statStartTime(text);
  } else if (m.file.starts_with(members::kProcFdinfoDir)) {
    ringBuffers(p, text, sink);
  } else if (m.file == members::kProcMaps) {
    mapsPart(p, m, text, sink);
  } else if (m.file == members::kProcCgroup) {
    auto entries = parse::parseProcCgroup(text, sink);
    if (auto path = parse::memoryCgroupPath(entries)) p.cgroup_path = std::string(*path);
  }
}

void ProcessMembers::applySmaps(ProcessData& p, const parse::SmapsCounters& c) {
  using F = parse::SmapsField;
  p.rss = c[F::kRss];
  p.pss = c[F::kPss];
  p.pss_anon = c[F::kPssAnon];
  p.has_pss_anon = c.has(F::kPssAnon);
  p.pss_file = c[F::kPssFile];
  p.pss_shmem = c[F::kPssShmem];
  p.private_clean = c[F::kPrivateClean];
  p.private_dirty = c[F::kPrivateDirty];
  p.swap = c[F::kSwap];
  p.anon_huge = c[F::kAnonHugePages];
  p.anonymous = c[F::kAnonymous];
}

// smaps is only summed when the process has no smaps_rollup (kernels before 4.14).
void ProcessMembers::flushSmaps() {
  if (smaps_pid_ == 0) return;
  sumSmaps(/*all=*/true);
  ProcessData& p = process(smaps_pid_);
  p.has_smaps = true;
  if (!p.has_rollup) applySmaps(p, smaps_totals_);
  smaps_pid_ = 0;
  smaps_carry_.clear();
  smaps_totals_ = {};
  smaps_issues_.reset();
}

void ProcessMembers::finish() {
  for (ProcessData& p : processes_) {
    // assign(1, '?'), not = "?": g++ 12 at -O3 flags the latter here (a false -Wrestrict).
    if (p.comm.empty()) p.comm.assign(1, '?');
  }
}

// Sums the complete VMAs of smaps_carry_ (all of it with `all`); keeps the last, maybe
// incomplete one for the next part. A VMA starts with its maps line, whose first byte is a
// lower-case hex digit of its address; every other line starts with an upper-case key.
void ProcessMembers::sumSmaps(bool all) {
  size_t end = smaps_carry_.size();
  if (!all) {
    end = 0;
    for (size_t nl = smaps_carry_.rfind('\n'); nl != std::string::npos && nl > 0;
         nl = smaps_carry_.rfind('\n', nl - 1)) {
      char c = nl + 1 < smaps_carry_.size() ? smaps_carry_[nl + 1] : '\0';
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
        end = nl + 1;
        break;
      }
    }
    // A VMA is a few hundred bytes: a carry this long is garbage, summed (and reported) now.
    if (smaps_carry_.size() - end > kMaxSmapsCarry) end = smaps_carry_.size();
  }
  if (end == 0) return;
  smaps_totals_ +=
      parse::parseSmapsTotals(std::string_view(smaps_carry_).substr(0, end), *smaps_issues_)
          .counters;
  smaps_carry_.erase(0, end);
}

}  // namespace memsift::analysis
