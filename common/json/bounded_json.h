// JSON from a bundle (manifest.json, index.json) parsed with limits. nlohmann's parser itself is
// iterative, but copying, comparing and dump()ing a value recurse once per level of nesting: a
// 1 MiB manifest of 100,000 nested arrays overflowed the stack. A bundle's JSON is a few levels
// deep, so nesting past kMaxJsonDepth is refused while parsing, before any such value exists; and
// what is kept of a value is bounded in bytes, so that a huge JSON member cannot take the memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace memsift {

// The manifest is 4 levels deep, the index 3; 64 leaves room for any later addition.
inline constexpr size_t kMaxJsonDepth = 64;

// A SAX handler (nlohmann's interface) that builds a value like nlohmann's DOM parser, but stops
// (returns false) at nesting deeper than `max_depth` or once the value would take more than
// `max_bytes` (strings and keys count their length, every value and key kMaxJsonNodeBytes more).
// error() then says which limit, or the syntax error; the partial value must not be used.
class BoundedJsonBuilder {
 public:
  using json = nlohmann::json;
  static constexpr uint64_t kNodeBytes = 48;  // about what one nlohmann value costs

  BoundedJsonBuilder(json& out, size_t max_depth, uint64_t max_bytes);

  bool null();
  bool boolean(bool v);
  bool number_integer(json::number_integer_t v);
  bool number_unsigned(json::number_unsigned_t v);
  bool number_float(json::number_float_t v, const json::string_t& s);
  bool string(json::string_t& v);
  bool binary(json::binary_t& v);
  bool start_object(std::size_t n);
  bool key(json::string_t& k);
  bool end_object();
  bool start_array(std::size_t n);
  bool end_array();
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& ex);

  const std::string& error() const { return error_; }
  size_t depth() const { return depth_; }
  uint64_t bytes() const { return bytes_; }

 private:
  bool charge(uint64_t n);
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  size_t max_depth_;
  uint64_t max_bytes_;
  size_t depth_ = 0;
  uint64_t bytes_ = 0;
  std::string error_;
};

// Parses a whole JSON text with the limits above. On failure returns why ("nested deeper than 64
// levels", "parse error at byte 12: ...") and leaves `out` null.
std::optional<std::string> parseBoundedJson(std::string_view text, nlohmann::json& out,
                                            uint64_t max_bytes, size_t max_depth = kMaxJsonDepth);

}  // namespace memsift
