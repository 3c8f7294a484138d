// Field splitting and number parsing shared by the /proc text parsers.
#include "common/parse/fields.h"

#include <charconv>
#include <limits>

namespace memsift::parse {

std::string_view trimBlanks(std::string_view s) {
  while (!s.empty() && isBlank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && isBlank(s.back()))
    s.remove_suffix(1);
  return s;
}

std::string_view oneLineValue(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return trimBlanks(text);
}

std::string_view nextField(std::string_view& rest) {
  size_t i = 0;
  while (i < rest.size() && isBlank(rest[i]))
    ++i;
  size_t j = i;
  while (j < rest.size() && !isBlank(rest[j]))
    ++j;
  std::string_view field = rest.substr(i, j - i);
  rest.remove_prefix(j);
  return field;
}

NumStatus parseU64(std::string_view s, uint64_t& out, int base) {
  if (s.empty()) return NumStatus::kInvalid;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec == std::errc::result_out_of_range) return NumStatus::kOverflow;
  if (ec != std::errc() || end != s.data() + s.size()) return NumStatus::kInvalid;
  out = v;
  return NumStatus::kOk;
}

NumStatus parseI64(std::string_view s, int64_t& out) {
  if (s.empty()) return NumStatus::kInvalid;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec == std::errc::result_out_of_range) return NumStatus::kOverflow;
  if (ec != std::errc() || end != s.data() + s.size()) return NumStatus::kInvalid;
  out = v;
  return NumStatus::kOk;
}

NumStatus parseKibAsBytes(std::string_view value, ByteCount& out) {
  std::string_view rest = value;
  std::string_view number = nextField(rest);
  std::string_view unit = nextField(rest);
  if (unit != "kB" || !trimBlanks(rest).empty()) return NumStatus::kInvalid;
  uint64_t kib = 0;
  NumStatus st = parseU64(number, kib);
  if (st != NumStatus::kOk) return st;
  if (kib > std::numeric_limits<uint64_t>::max() / 1024) return NumStatus::kOverflow;
  out = kibToBytes(kib);
  return NumStatus::kOk;
}

bool splitKeyColonValue(std::string_view line, std::string_view& key, std::string_view& value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view k = line.substr(0, colon);
  for (char c : k) {
    if (isBlank(c)) return false;
  }
  key = k;
  value = trimBlanks(line.substr(colon + 1));
  return true;
}

std::string_view numStatusText(NumStatus s) {
  switch (s) {
    case NumStatus::kOk:
      return "ok";
    case NumStatus::kInvalid:
      return "not a number";
    case NumStatus::kOverflow:
      return "number too large for 64 bits";
  }
  return "?";
}

}  // namespace memsift::parse

namespace memsift::parse {

bool takeNodeZone(std::string_view& rest, unsigned& node, std::string_view& zone) {
  std::string_view r = rest;
  if (nextField(r) != "Node") return false;
  std::string_view n = nextField(r);
  if (n.empty() || n.back() != ',') return false;
  n.remove_suffix(1);
  uint64_t v = 0;
  if (parseU64(n, v) != NumStatus::kOk || v > UINT32_MAX) return false;
  if (nextField(r) != "zone") return false;
  std::string_view z = nextField(r);
  if (z.empty()) return false;
  node = static_cast<unsigned>(v);
  zone = z;
  rest = r;
  return true;
}

}  // namespace memsift::parse
