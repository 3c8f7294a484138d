// Encoding and decoding of tar headers (POSIX.1-2001 ustar and pax; GNU extensions on read).
#include "common/bundle/tar.h"

#include <charconv>
#include <cstring>

namespace memsift::bundle::tar {
namespace {

// ustar header field offsets and sizes (POSIX.1-1988 "ustar Interchange Format").
constexpr size_t kNameOff = 0, kNameLen = 100;
constexpr size_t kModeOff = 100;
constexpr size_t kUidOff = 108;
constexpr size_t kGidOff = 116;
constexpr size_t kSizeOff = 124, kSizeLen = 12;
constexpr size_t kMtimeOff = 136, kMtimeLen = 12;
constexpr size_t kChksumOff = 148, kChksumLen = 8;
constexpr size_t kTypeOff = 156;
constexpr size_t kMagicOff = 257;
constexpr size_t kUnameOff = 265;
constexpr size_t kGnameOff = 297;
constexpr size_t kPrefixOff = 345, kPrefixLen = 155;

void putOctal(Block& b, size_t off, size_t len, uint64_t value) {
  if (len < 22 && (value >> (3 * (len - 1))) != 0) {
    // Too large for len-1 octal digits: GNU base-256, big-endian with the high bit as marker.
    for (size_t i = len; i-- > 1;) {
      b[off + i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
    b[off] = static_cast<char>(0x80);
    return;
  }
  // len-1 octal digits, zero padded, then NUL.
  for (size_t i = len - 1; i-- > 0;) {
    b[off + i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  b[off + len - 1] = '\0';
}

void putString(Block& b, size_t off, std::string_view s) {
  if (!s.empty()) std::memcpy(&b[off], s.data(), s.size());  // an empty view may be null
}

unsigned checksumOf(const Block& b) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChksumOff && i < kChksumOff + kChksumLen;
    sum += in_field ? ' ' : static_cast<unsigned char>(b[i]);
  }
  return sum;
}

void finishHeader(Block& b) {
  putString(b, kMagicOff,
            std::string_view("ustar\0"
                             "00",
                             8));
  putString(b, kUnameOff, "root");
  putString(b, kGnameOff, "root");
  unsigned sum = checksumOf(b);
  putOctal(b, kChksumOff, 7, sum);  // six digits and NUL...
  b[kChksumOff + 7] = ' ';          // ...then a space, as POSIX tar writes it
}

Block basicHeader(char type, uint64_t size, int64_t mtime) {
  Block b{};
  putOctal(b, kModeOff, 8, 0644);
  putOctal(b, kUidOff, 8, 0);
  putOctal(b, kGidOff, 8, 0);
  putOctal(b, kSizeOff, kSizeLen, size);
  putOctal(b, kMtimeOff, kMtimeLen, mtime < 0 ? 0 : static_cast<uint64_t>(mtime));
  b[kTypeOff] = type;
  return b;
}

// Splits a name into ustar prefix and name fields if possible.
bool splitUstarName(std::string_view name, std::string_view& prefix, std::string_view& rest) {
  if (name.size() <= kNameLen) {
    prefix = {};
    rest = name;
    return true;
  }
  // Split at a '/' such that the prefix fits 155 bytes and the rest fits 100.
  for (size_t slash = name.find('/'); slash != std::string_view::npos;
       slash = name.find('/', slash + 1)) {
    if (slash > kPrefixLen) break;
    if (name.size() - slash - 1 <= kNameLen && slash + 1 < name.size()) {
      prefix = name.substr(0, slash);
      rest = name.substr(slash + 1);
      return true;
    }
  }
  return false;
}

void append(std::string& out, const Block& b) {
  out.append(b.data(), b.size());
}

// A pax record is "LEN key=value\n" where LEN counts the whole record including itself.
std::string paxRecord(std::string_view key, std::string_view value) {
  size_t body = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
  size_t len = body + 1;
  while (std::to_string(len).size() + body > len)
    ++len;
  return std::to_string(len) + " " + std::string(key) + "=" + std::string(value) + "\n";
}

std::optional<uint64_t> parseNumeric(const Block& b, size_t off, size_t len) {
  auto p = reinterpret_cast<const unsigned char*>(&b[off]);
  if (p[0] & 0x80) {  // GNU base-256: big-endian, first byte's high bit is the marker
    uint64_t v = p[0] & 0x7f;
    for (size_t i = 1; i < len; ++i) {
      if (v >> 56) return std::nullopt;
      v = (v << 8) | p[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < len && (p[i] == ' ' || p[i] == '\0'))
    ++i;
  uint64_t v = 0;
  bool any = false;
  for (; i < len && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (v >> 61) return std::nullopt;
    v = v * 8 + (p[i] - '0');
    any = true;
  }
  for (; i < len; ++i) {
    if (p[i] != ' ' && p[i] != '\0') return std::nullopt;
  }
  if (!any) return uint64_t{0};
  return v;
}

std::string_view cString(const Block& b, size_t off, size_t len) {
  std::string_view s(&b[off], len);
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

}  // namespace

void encodeFileHeader(std::string& out, std::string_view name, uint64_t size, int64_t mtime) {
  std::string_view prefix, rest;
  if (!splitUstarName(name, prefix, rest)) {
    std::string records = paxRecord("path", name);
    Block pax = basicHeader('x', records.size(), mtime);
    putString(pax, kNameOff, "PaxHeaders/longname");
    finishHeader(pax);
    append(out, pax);
    out += records;
    out.append(paddingFor(records.size()), '\0');
    prefix = {};
    rest = name.substr(name.size() > kNameLen ? name.size() - kNameLen : 0);
  }
  Block b = basicHeader('0', size, mtime);
  putString(b, kNameOff, rest);
  putString(b, kPrefixOff, prefix);
  finishHeader(b);
  append(out, b);
}

void encodeEnd(std::string& out) {
  out.append(2 * kBlock, '\0');
}

DecodeResult decodeHeader(const Block& block, Header& header) {
  bool all_zero = true;
  for (char c : block) {
    if (c != 0) {
      all_zero = false;
      break;
    }
  }
  if (all_zero) return DecodeResult::kZeroBlock;
  auto stored = parseNumeric(block, kChksumOff, kChksumLen);
  if (!stored || *stored != checksumOf(block)) return DecodeResult::kBadChecksum;
  auto size = parseNumeric(block, kSizeOff, kSizeLen);
  if (!size) return DecodeResult::kBadField;
  header.size = *size;
  std::string_view name = cString(block, kNameOff, kNameLen);
  std::string_view magic(&block[kMagicOff], 5);
  std::string_view prefix = magic == "ustar" ? cString(block, kPrefixOff, kPrefixLen) : "";
  // GNU format puts other data where ustar has the prefix; only trust it for POSIX "ustar\0".
  if (block[kMagicOff + 5] != '\0') prefix = {};
  header.name.clear();
  if (!prefix.empty()) {
    header.name.append(prefix);
    header.name += '/';
  }
  header.name.append(name);
  switch (block[kTypeOff]) {
    case '0':
    case '\0':
    case '7':
      header.type = EntryType::kFile;
      break;
    case '5':
      header.type = EntryType::kDirectory;
      break;
    case 'x':
      header.type = EntryType::kPaxExtended;
      break;
    case 'g':
      header.type = EntryType::kPaxGlobal;
      break;
    case 'L':
      header.type = EntryType::kGnuLongName;
      break;
    default:
      header.type = EntryType::kOther;
      break;
  }
  return DecodeResult::kHeader;
}

bool parsePaxRecords(std::string_view records, std::optional<std::string>& path,
                     std::optional<uint64_t>& size) {
  while (!records.empty()) {
    size_t space = records.find(' ');
    if (space == std::string_view::npos) return false;
    uint64_t len = 0;
    auto [ptr, ec] = std::from_chars(records.data(), records.data() + space, len);
    if (ec != std::errc() || ptr != records.data() + space || len <= space + 1 ||
        len > records.size() || records[len - 1] != '\n') {
      return false;
    }
    std::string_view kv = records.substr(space + 1, len - space - 2);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (key == "path") {
      path = std::string(value);
    } else if (key == "size") {
      uint64_t v = 0;
      auto [p2, ec2] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec2 != std::errc() || p2 != value.data() + value.size()) return false;
      size = v;
    }
    records.remove_prefix(len);
  }
  return true;
}

bool isSafeMemberName(std::string_view name) {
  if (name.empty() || name.front() == '/') return false;
  if (name.find('\0') != std::string_view::npos) return false;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    if (slash == std::string_view::npos) slash = name.size();
    if (name.substr(pos, slash - pos) == "..") return false;
    pos = slash + 1;
  }
  return true;
}

}  // namespace memsift::bundle::tar
