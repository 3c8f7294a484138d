// manifest.json field checks (see manifest_check.h and docs/bundle-format.md).
#include "common/bundle/manifest_check.h"

#include <bit>
#include <cstdint>
#include <string_view>

#include "common/bundle/bundle_format.h"
#include "common/json/json_field.h"

namespace memsift::bundle {
namespace {

using json = nlohmann::json;

// The field's value for a message: short, one line (JSON text, cut).
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string wrong(std::string_view field, const json& v, std::string_view expected) {
  std::string m(field);
  m.append(" is ").append(shown(v)).append("; expected ").append(expected);
  return m;
}

// An unsigned integer within [lo, hi], or absent.
std::optional<std::string> checkUnsigned(const json& parent, const char* key,
                                         std::string_view field, uint64_t lo, uint64_t hi) {
  const json& v = jsonField(parent, key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    return wrong(field, v, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  uint64_t n = v.get<uint64_t>();
  if (n < lo || n > hi) {
    return wrong(field, v, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  return std::nullopt;
}

std::optional<std::string> checkString(const json& parent, const char* key,
                                       std::string_view field) {
  const json& v = jsonField(parent, key);
  if (v.is_null() || v.is_string()) return std::nullopt;
  return wrong(field, v, "a string");
}

std::optional<std::string> checkObject(const json& parent, const char* key,
                                       std::string_view field) {
  const json& v = jsonField(parent, key);
  if (v.is_null() || v.is_object()) return std::nullopt;
  return wrong(field, v, "an object");
}

}  // namespace

std::optional<std::string> formatProblem(const json& m) {
  const json& f = jsonField(m, "format");
  if (!f.is_object()) return wrong("format", f, "an object with name, major and minor");
  const json& name = jsonField(f, "name");
  if (!name.is_null() && name != "memsift-bundle") {
    return wrong("format.name", name, "\"memsift-bundle\"");
  }
  if (jsonField(f, "major").is_null()) return std::string("format.major is missing");
  if (jsonField(f, "minor").is_null()) return std::string("format.minor is missing");
  if (auto p = checkUnsigned(f, "major", "format.major", 1, kMaxFormatVersion)) return p;
  return checkUnsigned(f, "minor", "format.minor", 0, kMaxFormatVersion);
}

namespace {

std::optional<std::string> checkHost(const json& m) {
  if (auto p = checkObject(m, "host", "host")) return p;
  const json& h = jsonField(m, "host");
  const json& ps = jsonField(h, "page_size");
  if (!ps.is_null()) {
    bool ok = ps.is_number_unsigned() && ps.get<uint64_t>() >= kMinPageSize &&
              ps.get<uint64_t>() <= kMaxPageSize && std::has_single_bit(ps.get<uint64_t>());
    if (!ok) {
      return wrong("host.page_size", ps,
                   "a power of two from " + std::to_string(kMinPageSize) + " to " +
                       std::to_string(kMaxPageSize));
    }
  }
  const json& bo = jsonField(h, "byte_order");
  if (!bo.is_null() && bo != "little" && bo != "big") {
    return wrong("host.byte_order", bo, "\"little\" or \"big\"");
  }
  for (const char* key :
       {"hostname", "kernel_release", "kernel_version", "arch", "start_time_utc"}) {
    if (auto p = checkString(h, key, std::string("host.") + key)) return p;
  }
  const json& up = jsonField(h, "uptime_seconds");
  if (!up.is_null() && !(up.is_number() && up.get<double>() >= 0 && up.get<double>() < 1e12)) {
    return wrong("host.uptime_seconds", up, "a number of seconds");
  }
  const json& start = jsonField(h, "start_time_unix");
  if (!start.is_null() && !start.is_number()) {
    return wrong("host.start_time_unix", start, "a number of seconds");
  }
  return std::nullopt;
}

std::optional<std::string> checkCgroups(const json& m) {
  if (auto p = checkObject(m, "memory_cgroups", "memory_cgroups")) return p;
  const json& mc = jsonField(m, "memory_cgroups");
  // Hierarchy ids are small indexes into this list (the collector numbers them from 0).
  constexpr uint64_t kMaxHierarchy = 1023;
  if (auto p = checkUnsigned(mc, "kpagecgroup_hierarchy", "memory_cgroups.kpagecgroup_hierarchy", 0,
                             kMaxHierarchy)) {
    return p;
  }
  const json& list = jsonField(mc, "hierarchies");
  if (list.is_null()) return std::nullopt;
  if (!list.is_array()) return wrong("memory_cgroups.hierarchies", list, "an array");
  for (size_t i = 0; i < list.size(); ++i) {
    std::string field = "memory_cgroups.hierarchies[" + std::to_string(i) + "]";
    const json& h = list[i];
    if (!h.is_object()) return wrong(field, h, "an object");
    if (auto p = checkUnsigned(h, "id", field + ".id", 0, kMaxHierarchy)) return p;
    if (auto p = checkUnsigned(h, "version", field + ".version", 1, 2)) return p;
    if (auto p = checkString(h, "mount_point", field + ".mount_point")) return p;
    if (auto p = checkString(h, "root", field + ".root")) return p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> manifestProblem(const json& m) {
  if (auto p = checkUnsigned(m, "page_chunk_frames", "page_chunk_frames", kPageChunkFrames,
                             kPageChunkFrames)) {
    return p;
  }
  if (auto p = checkObject(m, "tool", "tool")) return p;
  if (auto p = checkString(jsonField(m, "tool"), "version", "tool.version")) return p;
  if (auto p = checkHost(m)) return p;
  if (auto p = checkCgroups(m)) return p;
  for (const char* key : {"options", "collector", "derived_members"}) {
    if (auto p = checkObject(m, key, key)) return p;
  }
  return std::nullopt;
}

}  // namespace memsift::bundle
