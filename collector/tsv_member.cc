// Derived tables as tab-separated text members, flushed in parts.
#include "collector/tsv_member.h"

#include <charconv>

#include "common/bundle/bundle_format.h"
#include "common/bundle/derived_tables.h"

namespace memsift::collector {

TsvMember::TsvMember(Recorder& out, std::string name, std::string_view header)
    : out_(out), name_(std::move(name)) {
  buffer_.reserve(bundle::kTablePartBytes + 4096);
  buffer_.append(header);
  buffer_.push_back('\n');
}

TsvMember& TsvMember::field(std::string_view value) {
  if (row_started_) buffer_.push_back('\t');
  row_started_ = true;
  bundle::appendTableField(buffer_, value);
  return *this;
}

TsvMember& TsvMember::field(uint64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return field(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

void TsvMember::endRow() {
  buffer_.push_back('\n');
  row_started_ = false;
  if (buffer_.size() >= bundle::kTablePartBytes) flush();
}

void TsvMember::flush() {
  if (part_ == 1) {
    out_.member(name_, buffer_);
  } else {
    out_.member(bundle::textPartMemberName(name_, part_), buffer_);
  }
  ++part_;
  buffer_.clear();
}

void TsvMember::finish() {
  if (part_ == 1 || !buffer_.empty()) flush();
}

}  // namespace memsift::collector
