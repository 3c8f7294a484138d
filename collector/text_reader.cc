// The text-source reader: read(2) loops, part splitting, errno classification.
#include "collector/text_reader.h"

#include <fcntl.h>
#include <string.h>

#include <algorithm>
#include <cerrno>

#include "collector/system_root.h"

namespace memsift::collector {

namespace {
// devkmsg_read() refuses (EINVAL) a buffer smaller than the record it would return; records are
// at most PRINTKRB_RECORD_MAX plus the prefix, well under this (kernel/printk/printk.c).
constexpr size_t kMaxKmsgRecord = 16 * 1024;
// One read(2) asks for at most this much. A sysctl file allocates a kernel buffer of the size
// asked for and refuses (ENOMEM) requests of KMALLOC_MAX_SIZE or more (fs/proc/proc_sysctl.c,
// proc_sys_call_handler()): small requests keep the kernel's allocations small on a host that
// may be out of memory. seq_file sources fill any size, so nothing else changes.
constexpr size_t kReadRequest = 64 * 1024;
}  // namespace

SourceStatus statusForErrno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return SourceStatus::kAbsent;
    case EACCES:
    case EPERM:
      return SourceStatus::kDenied;
    case ESRCH:
      return SourceStatus::kVanished;
    default:
      return SourceStatus::kError;
  }
}

std::string errnoDetail(int err) {
  const char* name = strerrorname_np(err);
  std::string s = name != nullptr ? name : "errno " + std::to_string(err);
  s += " (";
  s += strerror(err);
  s += ")";
  return s;
}

TextReader::TextReader(Recorder& out, StopControl& stop, const Redactor* redactor)
    : out_(out),
      stop_(stop),
      redactor_(redactor),
      buffer_(std::make_unique_for_overwrite<char[]>(bundle::kTextPartBytes)) {}

void TextReader::emit(std::string_view name, unsigned part, size_t length, Redaction redaction) {
  std::string_view data(buffer_.get(), length);
  if (redaction != Redaction::kNone && redactor_ != nullptr) {
    if (redaction == Redaction::kCmdline) {
      redactor_->redactCmdline(data, redacted_);
    } else {
      redactor_->redactLine(data, redacted_);
    }
    data = redacted_;
  }
  if (part == 1) {
    out_.member(name, data);
  } else {
    part_name_ = bundle::textPartMemberName(name, part);
    out_.member(part_name_, data);
  }
}

ReadResult TextReader::read(int fd, std::string_view name, TextKind kind, Redaction redaction) {
  ReadResult result;
  char* buf = buffer_.get();
  const size_t cap = bundle::kTextPartBytes;
  size_t fill = 0;
  unsigned part = 1;
  for (;;) {
    if (stop_.check() != StopReason::kNone) {
      result.status = SourceStatus::kTruncated;
      result.detail = "stopped after " + std::to_string(result.bytes) + " bytes";
      break;
    }
    size_t room = cap - fill;
    if (room == 0 || (kind == TextKind::kRecords && room < kMaxKmsgRecord)) {
      emit(name, part++, fill, redaction);
      fill = 0;
      room = cap;
    }
    ssize_t n = ::read(fd, buf + fill, std::min(room, kReadRequest));
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;  // a stop signal is seen by the check above
      if (kind == TextKind::kRecords && err == EAGAIN) break;    // caught up with the log
      if (kind == TextKind::kRecords && err == EPIPE) continue;  // overwritten; go on
      result.status = statusForErrno(err);
      // ENOENT while reading means the object went away (a process's files after it exited).
      if (result.status == SourceStatus::kAbsent) result.status = SourceStatus::kVanished;
      result.err = err;
      result.detail = errnoDetail(err) + " after " + std::to_string(result.bytes) + " bytes";
      break;
    }
    if (n == 0) break;
    fill += static_cast<size_t>(n);
    result.bytes += static_cast<uint64_t>(n);
  }
  // Part 1 always exists when the source was read at all (an empty file is an empty member);
  // later parts only when they hold something.
  if (fill > 0 || (part == 1 && (result.status == SourceStatus::kOk || result.bytes > 0))) {
    emit(name, part, fill, redaction);
  }
  return result;
}

std::optional<std::string_view> TextReader::peek(const SystemRoot& root, const std::string& rel) {
  int err = 0;
  UniqueFd fd = root.open(rel, 0, err);
  if (!fd.valid()) return std::nullopt;
  size_t fill = 0;
  for (;;) {
    if (fill == bundle::kTextPartBytes) return std::nullopt;
    ssize_t n = ::read(fd.get(), buffer_.get() + fill,
                       std::min(bundle::kTextPartBytes - fill, kReadRequest));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    fill += static_cast<size_t>(n);
  }
  return std::string_view(buffer_.get(), fill);
}

SourceStatus TextReader::collect(int dirfd, const char* rel, std::string_view name,
                                 const TextOptions& how) {
  int err = 0;
  UniqueFd fd = openAt(dirfd, rel, how.kind == TextKind::kRecords ? O_NONBLOCK : 0, err);
  if (!fd.valid()) {
    SourceStatus status = statusForErrno(err);
    if (status == SourceStatus::kAbsent) status = how.if_missing;
    out_.source(name, status, errnoDetail(err));
    return status;
  }
  if (out_.dryRun()) {
    out_.planned(name);
    return SourceStatus::kOk;
  }
  ReadResult r = read(fd.get(), name, how.kind, how.redaction);
  if (r.status != SourceStatus::kOk) out_.source(name, r.status, r.detail);
  return r.status;
}

}  // namespace memsift::collector
