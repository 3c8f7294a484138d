// The tar layer of a bundle: 512-byte POSIX ustar headers, pax 'x' records for names that do not
// fit, and decoding of what GNU tar writes too (GNU 'L' long names, base-256 sizes), so that a
// bundle re-made with GNU tar from an extracted one still reads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace memsift::bundle::tar {

inline constexpr size_t kBlock = 512;
using Block = std::array<char, kBlock>;

// Bytes of padding that follow `size` bytes of member data.
inline constexpr uint64_t paddingFor(uint64_t size) {
  return (kBlock - size % kBlock) % kBlock;
}

// Encodes the header(s) of a regular file member into `out` (appended): a ustar header, preceded
// by a pax 'x' header and its record when the name does not fit ustar's 100+155 bytes.
void encodeFileHeader(std::string& out, std::string_view name, uint64_t size, int64_t mtime);

// The two zero blocks that end an archive.
void encodeEnd(std::string& out);

enum class EntryType { kFile, kDirectory, kPaxExtended, kPaxGlobal, kGnuLongName, kOther };

struct Header {
  EntryType type = EntryType::kOther;
  std::string name;
  uint64_t size = 0;
};

enum class DecodeResult { kHeader, kZeroBlock, kBadChecksum, kBadField };

// Decodes one header block. kZeroBlock marks the end of the archive.
DecodeResult decodeHeader(const Block& block, Header& header);

// Extracts "path" (and "size", when present) from a pax extended header's records.
// Returns false if the records are malformed.
bool parsePaxRecords(std::string_view records, std::optional<std::string>& path,
                     std::optional<uint64_t>& size);

// True when `name` is safe to use as a relative path: not empty, not absolute, no ".." component.
bool isSafeMemberName(std::string_view name);

}  // namespace memsift::bundle::tar
