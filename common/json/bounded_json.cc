// Depth- and size-bounded JSON parsing (see bounded_json.h).
#include "common/json/bounded_json.h"

namespace memsift {

BoundedJsonBuilder::BoundedJsonBuilder(json& out, size_t max_depth, uint64_t max_bytes)
    : dom_(out, /*allow_exceptions=*/false), max_depth_(max_depth), max_bytes_(max_bytes) {}

bool BoundedJsonBuilder::charge(uint64_t n) {
  bytes_ += n;
  if (bytes_ <= max_bytes_) return true;
  if (error_.empty()) error_ = "larger than " + std::to_string(max_bytes_) + " bytes in memory";
  return false;
}

bool BoundedJsonBuilder::null() {
  return charge(kNodeBytes) && dom_.null();
}
bool BoundedJsonBuilder::boolean(bool v) {
  return charge(kNodeBytes) && dom_.boolean(v);
}
bool BoundedJsonBuilder::number_integer(json::number_integer_t v) {
  return charge(kNodeBytes) && dom_.number_integer(v);
}
bool BoundedJsonBuilder::number_unsigned(json::number_unsigned_t v) {
  return charge(kNodeBytes) && dom_.number_unsigned(v);
}
bool BoundedJsonBuilder::number_float(json::number_float_t v, const json::string_t& s) {
  return charge(kNodeBytes) && dom_.number_float(v, s);
}
bool BoundedJsonBuilder::string(json::string_t& v) {
  return charge(kNodeBytes + v.size()) && dom_.string(v);
}
bool BoundedJsonBuilder::binary(json::binary_t& v) {
  return charge(kNodeBytes + v.size()) && dom_.binary(v);
}
bool BoundedJsonBuilder::key(json::string_t& k) {
  return charge(kNodeBytes + k.size()) && dom_.key(k);
}

bool BoundedJsonBuilder::start_object(std::size_t n) {
  if (++depth_ > max_depth_) {
    if (error_.empty()) error_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
    return false;
  }
  return charge(kNodeBytes) && dom_.start_object(n);
}
bool BoundedJsonBuilder::end_object() {
  --depth_;
  return dom_.end_object();
}
bool BoundedJsonBuilder::start_array(std::size_t n) {
  if (++depth_ > max_depth_) {
    if (error_.empty()) error_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
    return false;
  }
  return charge(kNodeBytes) && dom_.start_array(n);
}
bool BoundedJsonBuilder::end_array() {
  --depth_;
  return dom_.end_array();
}

bool BoundedJsonBuilder::parse_error(std::size_t position, const std::string& token,
                                     const nlohmann::detail::exception& ex) {
  if (error_.empty()) {
    // nlohmann's message starts with "[json.exception.parse_error.101] ": the rest says where.
    std::string what = ex.what();
    size_t bracket = what.find("] ");
    error_ = bracket == std::string::npos ? what : what.substr(bracket + 2);
  }
  return dom_.parse_error(position, token, ex);
}

std::optional<std::string> parseBoundedJson(std::string_view text, nlohmann::json& out,
                                            uint64_t max_bytes, size_t max_depth) {
  out = nlohmann::json();
  BoundedJsonBuilder builder(out, max_depth, max_bytes);
  bool ok = nlohmann::json::sax_parse(text, &builder, nlohmann::json::input_format_t::json,
                                      /*strict=*/true);
  if (ok && builder.error().empty()) return std::nullopt;
  std::string why = builder.error().empty() ? "not valid JSON" : builder.error();
  // A half-built value may be deeply nested or large: it is dropped here, iteratively by
  // nlohmann's destructor (3.10 and later), so dropping it costs no stack either.
  out = nlohmann::json();
  return why;
}

}  // namespace memsift
