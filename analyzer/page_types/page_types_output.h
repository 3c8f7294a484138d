// page-types' output, produced as its printf calls would (%lx, %016llx, %lu, %Nlu) but into one
// buffer, allocated once and handed to the OutputSink in large blocks: a -L listing of a 1 TiB
// host is 268 million rows. Inline: the engine calls these for every row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "analyzer/page_types/page_types.h"
#include "common/kpf.h"

namespace memsift::page_types {

// Room for the longest row: "@" + 20 digits, 20 digits, 16 hex, 16 hex, 43 letters, tabs.
inline constexpr size_t kMaxRow = 160;
inline constexpr size_t kBufferSize = size_t{1} << 20;
inline constexpr size_t kSymbolicWidth = kpf::kPageTypesColumns;

inline std::string hex16(uint64_t v) {
  char b[19];
  b[0] = '0';
  b[1] = 'x';
  for (int i = 17; i >= 2; --i) {
    b[i] = "0123456789abcdef"[v & 15];
    v >>= 4;
  }
  return std::string(b, 18);
}

// Text formatting into a raw buffer, as printf's %lx, %016llx, %lu and %Nlu would.
inline char* putHex(char* p, uint64_t v) {
  int digits = 1;
  while (digits < 16 && (v >> (4 * digits)) != 0)
    ++digits;
  for (int i = digits - 1; i >= 0; --i) {
    *p++ = "0123456789abcdef"[(v >> (4 * i)) & 15];
  }
  return p;
}

inline char* putHex16(char* p, uint64_t v) {
  for (int i = 15; i >= 0; --i)
    *p++ = "0123456789abcdef"[(v >> (4 * i)) & 15];
  return p;
}

inline char* putDec(char* p, uint64_t v, int width = 0) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int pad = width - n; pad > 0; --pad)
    *p++ = ' ';
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

inline char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// One buffer, allocated once, handed to the sink in large blocks.
class Buffer {
 public:
  explicit Buffer(OutputSink& sink) : data_(new char[kBufferSize]), sink_(sink) {}
  // A pointer with room for n bytes; finish with commit().
  char* reserve(size_t n) {
    if (size_ + n > kBufferSize) flush();
    return data_.get() + size_;
  }
  void commit(char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void append(std::string_view s) {
    if (s.size() > kBufferSize) {
      flush();
      sink_.write(s);
      return;
    }
    commit(put(reserve(s.size()), s));
  }
  void flush() {
    if (size_ == 0) return;
    sink_.write(std::string_view(data_.get(), size_));
    size_ = 0;
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  OutputSink& sink_;
};

}  // namespace memsift::page_types
