// Reads text sources whole with read(2) into one reused buffer and hands them to the recorder,
// split into parts of kTextPartBytes (NAME, NAME.part2, ...) so that memory stays bounded even
// for the smaps of a huge process. One buffer for the whole run: nothing allocated per file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "collector/recorder.h"
#include "collector/redactor.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"

namespace memsift::collector {

// How an errno from open(2)/read(2) is recorded: ENOENT absent, EACCES/EPERM denied, ESRCH
// vanished, anything else error.
SourceStatus statusForErrno(int err);
// "EACCES (Permission denied)": the detail recorded in the index.
std::string errnoDetail(int err);

enum class TextKind {
  kFile,     // read to end of file
  kRecords,  // /dev/kmsg: one record per read(2), EAGAIN at the end (O_NONBLOCK), EPIPE when
             // the ring buffer overwrote records not yet read (kernel/printk/printk.c,
             // devkmsg_read()); a record never spans parts
};

enum class Redaction { kNone, kCmdline, kLine };

// How collect() reads a source and what a missing one means.
struct TextOptions {
  TextKind kind = TextKind::kFile;
  Redaction redaction = Redaction::kNone;
  // ENOENT at open: kAbsent for fixed paths; kVanished for things listed a moment before.
  SourceStatus if_missing = SourceStatus::kAbsent;
};

struct ReadResult {
  SourceStatus status = SourceStatus::kOk;
  int err = 0;  // errno when status came from one
  uint64_t bytes = 0;
  std::string detail;  // for the index when status is not kOk
};

class TextReader {
 public:
  TextReader(Recorder& out, StopControl& stop, const Redactor* redactor);

  // Reads `fd` to its end into member `name`. Records the member (whatever was read, even if
  // reading failed part-way) but not the failure: the caller knows whether ENOENT means absent
  // or vanished.
  ReadResult read(int fd, std::string_view name, TextKind kind = TextKind::kFile,
                  Redaction redaction = Redaction::kNone);

  // Opens `rel` beneath `dirfd` and reads it into member `name`; every failure is recorded with
  // statusForErrno(). For --dry-run, only opens it. Returns the status.
  SourceStatus collect(int dirfd, const char* rel, std::string_view name,
                       const TextOptions& how = {});

  // Reads a small source into the buffer without recording it (to parse it before the manifest
  // is written). Returns its content, valid until the next read, or nullopt if it could not be
  // read or does not fit in one part.
  std::optional<std::string_view> peek(const SystemRoot& root, const std::string& rel);

 private:
  void emit(std::string_view name, unsigned part, size_t length, Redaction redaction);

  Recorder& out_;
  StopControl& stop_;
  const Redactor* redactor_;
  std::unique_ptr<char[]> buffer_;  // kTextPartBytes, allocated once
  std::string part_name_;
  std::string redacted_;
};

}  // namespace memsift::collector
