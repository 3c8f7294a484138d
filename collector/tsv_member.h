// A table the collector derives (cgroups.tsv, memory-blocks.tsv), written as tab-separated rows
// into a bounded buffer that is stored as NAME, NAME.part2, ... at row boundaries, so a table of
// a million cgroups never needs more than kFlushBytes of memory.
#pragma once

#include <string>
#include <string_view>

#include "collector/recorder.h"

namespace memsift::collector {

class TsvMember {
 public:
  static constexpr size_t kFlushBytes = 256 * 1024;

  // `header` is the first row (column names, tab-separated, no newline).
  TsvMember(Recorder& out, std::string name, std::string_view header);

  // Appends a field: tab, newline and backslash (and other control bytes) are written as
  // octal escapes (\011, \012, \134), exactly as /proc/self/mountinfo escapes paths.
  TsvMember& field(std::string_view value);
  TsvMember& field(uint64_t value);
  // Ends the row; stores a part when the buffer is full.
  void endRow();
  // Stores what is left (the first part even when empty of rows). Call once at the end.
  void finish();

 private:
  void flush();
  Recorder& out_;
  std::string name_;
  std::string buffer_;
  unsigned part_ = 1;
  bool row_started_ = false;
};

}  // namespace memsift::collector
