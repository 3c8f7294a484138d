// Magic numbers of the files most often mistaken for a bundle: the other compressors (a bundle
// recompressed, or a colleague's .tar.gz), a bundle already decompressed (plain tar), archives.
#include "common/bundle/file_kind.h"

#include <algorithm>
#include <string_view>

namespace memsift::bundle {

namespace {

bool startsWith(std::span<const std::byte> head, std::string_view magic, size_t at = 0) {
  if (head.size() < at + magic.size()) return false;
  return std::equal(magic.begin(), magic.end(), head.begin() + static_cast<ptrdiff_t>(at),
                    [](char m, std::byte b) {
                      return static_cast<unsigned char>(m) == std::to_integer<unsigned char>(b);
                    });
}

}  // namespace

std::string describeForeignFile(std::span<const std::byte> head) {
  if (head.empty()) return "an empty file";
  if (startsWith(head, "\x1f\x8b")) return "gzip-compressed data";
  if (startsWith(head,
                 "\xfd"
                 "7zXZ"))
    return "xz-compressed data";
  if (startsWith(head, "BZh")) return "bzip2-compressed data";
  if (startsWith(head, "\x89LZO")) return "lzop-compressed data";
  if (startsWith(head, "\x04\x22\x4d\x18")) return "lz4-compressed data";
  if (startsWith(head, "PK\x03\x04")) return "a zip archive";
  if (startsWith(head, "7z\xbc\xaf\x27\x1c")) return "a 7-zip archive";
  if (startsWith(head,
                 "\x7f"
                 "ELF"))
    return "an executable (ELF)";
  // POSIX ustar: "ustar" at offset 257 of the first header block.
  if (startsWith(head, "ustar", 257)) return "an uncompressed tar archive";
  return "";
}

size_t HeadRecorder::read(std::span<std::byte> data) {
  size_t n = inner_.read(data);
  if (head_.size() < kBytes) {
    size_t keep = std::min(n, kBytes - head_.size());
    head_.append(reinterpret_cast<const char*>(data.data()), keep);
  }
  return n;
}

}  // namespace memsift::bundle
