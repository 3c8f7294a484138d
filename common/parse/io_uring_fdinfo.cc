// io_uring fdinfo: the UserBufs block.
#include "common/parse/io_uring_fdinfo.h"

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

std::vector<RingBuffer> parseRingBuffers(std::string_view text, IssueSink& issues) {
  std::vector<RingBuffer> out;
  LineReader lines(text, &issues);
  Line line;
  bool in_bufs = false;
  while (lines.next(line)) {
    std::string_view l = line.text;
    if (l.starts_with("UserBufs:")) {
      in_bufs = true;
      continue;
    }
    if (!in_bufs) continue;
    // The block's lines are indented ("%5u: "); the next block's header is not.
    if (l.empty() || (l.front() != ' ' && (l.front() < '0' || l.front() > '9'))) break;
    while (!l.empty() && l.front() == ' ')
      l.remove_prefix(1);
    const size_t colon = l.find(": 0x"), slash = l.find('/');
    uint64_t index = 0;
    RingBuffer b;
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon ||
        parseU64(l.substr(0, colon), index) != NumStatus::kOk ||
        parseU64(l.substr(colon + 4, slash - colon - 4), b.addr, 16) != NumStatus::kOk ||
        parseU64(l.substr(slash + 1), b.len) != NumStatus::kOk) {
      issues.report(line.number, line.text, "expected 'INDEX: 0xADDRESS/LENGTH' under UserBufs");
      continue;
    }
    out.push_back(b);
  }
  return out;
}

}  // namespace memsift::parse
