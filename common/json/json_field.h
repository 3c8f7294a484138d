// Fields of JSON that came from a bundle (manifest.json, index.json): a missing key, or a parent
// that is not an object, reads as null. nlohmann's const operator[] on a missing key is undefined
// behaviour (an assertion in debug builds), and a damaged or hand-made bundle must never reach it.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace memsift {

inline const nlohmann::json& jsonField(const nlohmann::json& j, std::string_view key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

}  // namespace memsift
