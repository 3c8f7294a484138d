// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. One
// decoder for the terminal escapes (terminal_text.h), the bundle writer's name checks and the
// collector's manifest strings, so that they cannot disagree about what is valid. Kept free of
// streams and <filesystem>: the static collector links it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace memsift {

// Length of the valid UTF-8 sequence starting at s[i]: 1 for ASCII (controls included), 2 to 4
// for a valid multi-byte sequence, 0 when the bytes there are not valid UTF-8.
size_t utf8SequenceLength(std::string_view s, size_t i);

// True if `s` is valid UTF-8.
bool validUtf8(std::string_view s);

// `s` with every byte that does not start a valid sequence replaced by U+FFFD: what JSON
// (nlohmann::json's dump()) accepts, for strings the host hands out (hostname, paths).
std::string replaceInvalidUtf8(std::string_view s);

}  // namespace memsift
