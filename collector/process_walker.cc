// The process walk. A process's files are opened relative to an fd of its /proc/PID directory:
// once the process is gone, lookups beneath that fd fail with ENOENT (fs/proc/base.c,
// proc_pident_lookup() finds no task) even if the PID is reused meanwhile, so files of two
// different processes are never mixed under one PID.
#include "collector/process_walker.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "common/bundle/derived_tables.h"
#include "common/bundle/members.h"

namespace memsift::collector {

namespace {

namespace members = bundle::members;

// Whether the process behind `pid_fd` still exists: "stat" is there for every live (or zombie)
// process, so its lookup failing means the process is gone.
bool alive(int pid_fd) {
  struct stat st;
  return ::fstatat(pid_fd, "stat", &st, 0) == 0;
}

}  // namespace

ProcessWalker::ProcessWalker(const SystemRoot& root, TextReader& text, Recorder& out,
                             StopControl& stop, const ProcessWalkOptions& options)
    : root_(root), text_(text), out_(out), stop_(stop), options_(options) {}

void ProcessWalker::run() {
  int err = 0;
  UniqueFd proc_fd = root_.openDir(std::string(members::kProcDir), err);
  if (!proc_fd.valid()) {
    out_.source(members::kProcDir, statusForErrno(err), errnoDetail(err));
    return;
  }
  DirReader proc{std::move(proc_fd)};
  const bool snapshot = !options_.snapshot_prefix.empty();
  if (snapshot) {
    // A snapshot counts memory only: the census is the final collection's.
  } else if (out_.dryRun()) {
    out_.planned(bundle::kProcessFdsMember);
  } else {
    fd_table_.emplace(out_, std::string(bundle::kProcessFdsMember), bundle::kProcessFdsHeader);
  }
  const std::string proc_member = options_.snapshot_prefix + std::string(members::kProcDir);
  uint64_t skipped = 0;
  bool stopped = false;
  while (const dirent* e = proc.next()) {
    if (!isAllDigits(e->d_name)) continue;
    if (stop_.check() != StopReason::kNone) {
      stopped = true;
      break;
    }
    if (options_.max_pids && read_ >= *options_.max_pids) {
      ++skipped;  // keep listing, only to say how many were left out
      continue;
    }
    if (!readProcess(proc.fd(), e->d_name)) ++vanished_;
    ++read_;
  }
  if (fd_table_) fd_table_->finish();
  if (stopped) {
    out_.source(
        proc_member,
        stop_.reason() == StopReason::kDeadline ? SourceStatus::kTimeout : SourceStatus::kTruncated,
        stop_.describe() + ": stopped after " + std::to_string(read_) + " processes");
  }
  if (skipped > 0) {
    out_.source(proc_member, SourceStatus::kTruncated,
                "--max-pids " + std::to_string(*options_.max_pids) + ": " +
                    std::to_string(skipped) + " more processes not read");
  }
}

bool ProcessWalker::readProcess(int proc_fd, const char* pid) {
  const std::string dir_name = options_.snapshot_prefix + members::processDir(pid);
  int err = 0;
  UniqueFd pid_fd = openAt(proc_fd, pid, O_DIRECTORY, err);
  if (!pid_fd.valid()) {
    SourceStatus s = statusForErrno(err);
    if (s == SourceStatus::kAbsent) s = SourceStatus::kVanished;  // listed, then gone
    out_.source(dir_name, s, errnoDetail(err));
    return s != SourceStatus::kVanished;
  }
  readDescriptors(pid_fd.get(), pid, dir_name);
  const bool snapshot = !options_.snapshot_prefix.empty();
  for (const members::ProcessFile& f : members::kProcessFiles) {
    if (f.detail && !options_.smaps) continue;
    if (snapshot &&
        std::find(members::kSeriesProcessFiles.begin(), members::kSeriesProcessFiles.end(),
                  f.name) == members::kSeriesProcessFiles.end()) {
      continue;
    }
    if (stop_.check() != StopReason::kNone) return true;  // run() records the stop
    name_ = dir_name;
    name_.push_back('/');
    name_.append(f.name);
    // The file's name alone, NUL-terminated for openat(): the tail of name_.
    const char* file = name_.c_str() + dir_name.size() + 1;
    UniqueFd fd = openAt(pid_fd.get(), file, 0, err);
    if (!fd.valid()) {
      SourceStatus s = statusForErrno(err);
      bool gone = (err == ENOENT || err == ESRCH) && !alive(pid_fd.get());
      if (gone) s = SourceStatus::kVanished;
      if (err == ESRCH && !gone) {
        // smaps_rollup of a process without an address space (a kernel thread, a zombie): its
        // open fails with ESRCH (fs/proc/task_mmu.c, smaps_rollup_open()): nothing to read.
        noAddressSpace(snapshot);
        continue;
      }
      if (s == SourceStatus::kVanished) {
        out_.source(dir_name, s, std::string("exited before ").append(f.name).append(" was read"));
        return false;
      }
      out_.source(name_, s, errnoDetail(err));
      continue;
    }
    if (out_.dryRun()) {
      out_.planned(name_);
      continue;
    }
    ReadResult r =
        text_.read(fd.get(), name_, TextKind::kFile,
                   options_.redact && f.command_line ? Redaction::kCmdline : Redaction::kNone);
    if (r.err == ESRCH && r.bytes == 0 && alive(pid_fd.get())) {
      // The same, where the kernel reports it at the first read instead (show_smaps_rollup()).
      noAddressSpace(snapshot);
      continue;
    }
    if (r.status == SourceStatus::kVanished) {
      out_.source(dir_name, r.status,
                  std::string("exited while ").append(f.name).append(" was read"));
      return false;
    }
    if (r.status != SourceStatus::kOk) out_.source(name_, r.status, r.detail);
  }
  // A process that exits during a read of maps or smaps gives a short file without any error
  // (fs/proc/task_mmu.c, m_start() finds no mm and ends the file): say so.
  if (!out_.dryRun() && !alive(pid_fd.get())) {
    out_.source(dir_name, SourceStatus::kVanished, "exited while read: its files may be short");
    return false;
  }
  return true;
}

void ProcessWalker::noAddressSpace(bool snapshot) {
  // Recorded by the final collection; a series recording it again in every snapshot would list
  // each kernel thread N times in the index and the summary.
  if (!snapshot) out_.sourceWithoutAddressSpace(name_);
}

void ProcessWalker::readDescriptors(int pid_fd, const char* pid, const std::string& dir_name) {
  if (!fd_table_) return;  // a dry run: process-fds.tsv is planned once
  const FdCensus c = fds_.read(pid_fd);
  if (c.err != 0 && c.err != ENOENT && c.err != ESRCH) {
    out_.source(dir_name + "/" + std::string(members::kProcFdDir), statusForErrno(c.err),
                errnoDetail(c.err));
  }
  auto list = [](const std::vector<uint64_t>& fds) {
    std::string s;
    for (uint64_t fd : fds)
      s.append(s.empty() ? "" : ",").append(std::to_string(fd));
    return s;
  };
  fd_table_->field(std::string_view(pid)).field(c.fds).field(c.pipes);
  fd_table_->field(list(c.io_uring)).field(list(c.vfio)).field(list(c.rdma));
  fd_table_->field(c.err != 0 ? errnoDetail(c.err) : c.note);
  fd_table_->endRow();
  // Each io_uring instance's registered buffers (UserBufs: "    0: 0x7f85b9e00000/2097152").
  for (uint64_t fd : c.io_uring) {
    const std::string rel =
        std::string(members::kProcFdinfoDir).append("/").append(std::to_string(fd));
    name_ = dir_name;
    name_.push_back('/');
    name_.append(rel);
    int err = 0;
    UniqueFd info = openAt(pid_fd, rel.c_str(), 0, err);
    if (!info.valid()) {
      if (err != ENOENT && err != ESRCH) out_.source(name_, statusForErrno(err), errnoDetail(err));
      continue;  // closed meanwhile, or the process is gone (the files below will say)
    }
    ReadResult r = text_.read(info.get(), name_, TextKind::kFile, Redaction::kNone);
    if (r.status != SourceStatus::kOk && r.status != SourceStatus::kVanished)
      out_.source(name_, r.status, r.detail);
  }
}

}  // namespace memsift::collector
