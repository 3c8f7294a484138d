// Field splitting and number parsing shared by the /proc text parsers: string_view and
// std::from_chars only, no allocation, no locale.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/units.h"

namespace memsift::parse {

// Blanks between /proc fields: the kernel pads with spaces and, in /proc/PID/status, tabs.
inline bool isBlank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trimBlanks(std::string_view s);
// The value of a file that holds one ("42\n", "bash\n"): without its line end (and a CR a
// conversion added) and the blanks around it.
std::string_view oneLineValue(std::string_view text);

// Returns the next blank-separated field of `rest` and removes it (and the blanks before it)
// from `rest`. Empty when no field is left.
std::string_view nextField(std::string_view& rest);

enum class NumStatus { kOk, kInvalid, kOverflow };

// The whole of `s` must be digits of `base` (no sign, no blanks, not empty).
NumStatus parseU64(std::string_view s, uint64_t& out, int base = 10);
// Signed decimal: /proc/zoneinfo and a few counters may print a leading '-'.
NumStatus parseI64(std::string_view s, int64_t& out);

// A value as /proc prints a size: "<digits> kB" (blanks before the unit). Returns kInvalid if
// the unit is missing or another unit is used, kOverflow if the number or its size in bytes does
// not fit in 64 bits.
NumStatus parseKibAsBytes(std::string_view value, ByteCount& out);

// Splits "Key:<blanks>value" at the first ':'; the value is trimmed. False when there is no ':'
// or the key is empty or contains a blank.
bool splitKeyColonValue(std::string_view line, std::string_view& key, std::string_view& value);

// A short human text for a failed number parse, for ParseIssue messages.
std::string_view numStatusText(NumStatus s);

}  // namespace memsift::parse

namespace memsift::parse {

// "Node 0, zone   Normal" (mm/vmstat.c prints "Node %d, zone %8s" in zoneinfo and buddyinfo):
// consumes it from the front of `rest`; false if `rest` does not start that way.
bool takeNodeZone(std::string_view& rest, unsigned& node, std::string_view& zone);

}  // namespace memsift::parse
