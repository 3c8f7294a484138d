// A table the collector derives (cgroups.tsv, memory-blocks.tsv; format in
// common/bundle/derived_tables.h), written as tab-separated rows into a bounded buffer that is
// stored as NAME, NAME.part2, ... at row boundaries, so a table of a million cgroups never needs
// more than bundle::kTablePartBytes of memory.
#pragma once

#include <string>
#include <string_view>

#include "collector/recorder.h"

namespace memsift::collector {

class TsvMember {
 public:
  // `header` is the first row (column names, tab-separated, no newline).
  TsvMember(Recorder& out, std::string name, std::string_view header);

  // Appends a field, escaped by bundle::appendTableField().
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
