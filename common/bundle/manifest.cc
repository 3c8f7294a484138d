// manifest.json's fields: written, checked and read (see manifest.h and docs/bundle-format.md).
#include "common/bundle/manifest.h"

#include <bit>
#include <cstdint>
#include <string_view>

#include "common/bundle/bundle_format.h"
#include "common/bundle/derived_tables.h"
#include "common/bundle/members.h"
#include "common/json/json_field.h"
#include "common/text/utf8.h"
#include "memsift/version.h"

namespace memsift::bundle {

std::string CgroupHierarchy::memberPrefix() const {
  return members::mountMemberDir(mount_point);
}

bool Manifest::tablesNeedByteSwap() const {
  return big_endian && *big_endian != (std::endian::native == std::endian::big);
}

// --- Writing ---------------------------------------------------------------------------------

nlohmann::json manifestJson(const Manifest& m) {
  using json = nlohmann::json;
  // nlohmann::json refuses to dump invalid UTF-8; a host's names need not be UTF-8.
  auto text = [](std::string_view s) { return replaceInvalidUtf8(s); };
  const HostRecord& h = m.host;
  json host = {
      {"hostname", text(h.hostname)},
      {"kernel_release", text(h.kernel_release)},
      {"kernel_version", text(h.kernel_version)},
      {"arch", text(h.arch)},
      {"page_size", m.page_size.bytes()},
      {"page_size_source", text(h.page_size_source)},
      {"byte_order_source", text(h.byte_order_source)},
      {"start_time_utc", h.start_time_utc},
      {"start_time_unix", h.start_time_unix},
  };
  if (m.big_endian) host["byte_order"] = *m.big_endian ? "big" : "little";
  host["uptime_seconds"] = h.uptime_seconds ? json(*h.uptime_seconds) : json(nullptr);
  json hierarchies = json::array();
  for (const CgroupHierarchy& g : m.hierarchies) {
    json one = {
        {"version", g.version}, {"mount_point", text(g.mount_point)}, {"root", text(g.root)}};
    if (g.id) one["id"] = *g.id;
    hierarchies.push_back(std::move(one));
  }
  json collector = {{"priority", m.priority}};
  if (m.euid) collector["euid"] = *m.euid;
  if (m.pid) collector["pid"] = *m.pid;
  return {
      {"host", std::move(host)},
      {"options", m.options},
      {"collector", std::move(collector)},
      {"memory_cgroups",
       {{"hierarchies", std::move(hierarchies)},
        {"map", kCgroupMapMember},
        {"inodes_from", text(m.cgroup_inodes_from)},
        {"kpagecgroup_hierarchy",
         m.kpagecgroup_hierarchy ? json(*m.kpagecgroup_hierarchy) : json(nullptr)}}},
      {"derived_members",
       {{"meminfo_after", members::kMeminfoAfter},
        {"vmstat_after", members::kVmstatAfter},
        {"cgroup_map", kCgroupMapMember},
        {"memory_blocks", kMemoryBlocksMember}}},
  };
}

std::string manifestText(nlohmann::json manifest) {
  manifest["format"] = {
      {"name", "memsift-bundle"}, {"major", kBundleFormatMajor}, {"minor", kBundleFormatMinor}};
  if (!manifest.contains("tool")) manifest["tool"] = nlohmann::json::object();
  manifest["tool"]["version"] = kToolVersion;
  manifest["page_chunk_frames"] = kPageChunkFrames;
  return manifest.dump(2) + "\n";
}

// --- Checking --------------------------------------------------------------------------------

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

// --- Reading ---------------------------------------------------------------------------------

Manifest readManifest(const nlohmann::json& manifest) {
  Manifest m;
  auto string = [](const nlohmann::json& parent, const char* key) {
    const nlohmann::json& v = jsonField(parent, key);
    return v.is_string() ? v.get<std::string>() : std::string();
  };
  const nlohmann::json& host = jsonField(manifest, "host");
  if (host.is_object()) {
    if (jsonField(host, "page_size").is_number_unsigned())
      m.page_size = PageSize(jsonField(host, "page_size").get<uint64_t>());
    if (jsonField(host, "byte_order").is_string())
      m.big_endian = jsonField(host, "byte_order") == "big";
    HostRecord& h = m.host;
    h.hostname = string(host, "hostname");
    h.kernel_release = string(host, "kernel_release");
    h.kernel_version = string(host, "kernel_version");
    h.arch = string(host, "arch");
    h.page_size_source = string(host, "page_size_source");
    h.byte_order_source = string(host, "byte_order_source");
    h.start_time_utc = string(host, "start_time_utc");
    if (jsonField(host, "uptime_seconds").is_number())
      h.uptime_seconds = jsonField(host, "uptime_seconds").get<double>();
    if (jsonField(host, "start_time_unix").is_number_integer())
      h.start_time_unix = jsonField(host, "start_time_unix").get<int64_t>();
  }
  if (jsonField(manifest, "options").is_object()) m.options = jsonField(manifest, "options");
  const nlohmann::json& collector = jsonField(manifest, "collector");
  if (jsonField(collector, "euid").is_number_unsigned())
    m.euid = jsonField(collector, "euid").get<uint64_t>();
  if (jsonField(collector, "pid").is_number_unsigned())
    m.pid = jsonField(collector, "pid").get<uint64_t>();
  if (jsonField(collector, "priority").is_object()) m.priority = jsonField(collector, "priority");
  const nlohmann::json& mc = jsonField(manifest, "memory_cgroups");
  if (!mc.is_object()) return m;
  if (jsonField(mc, "inodes_from").is_string()) m.cgroup_inodes_from = string(mc, "inodes_from");
  if (jsonField(mc, "kpagecgroup_hierarchy").is_number_integer())
    m.kpagecgroup_hierarchy = jsonField(mc, "kpagecgroup_hierarchy").get<int>();
  if (!jsonField(mc, "hierarchies").is_array()) return m;
  for (const nlohmann::json& h : jsonField(mc, "hierarchies")) {
    if (!h.is_object() || !jsonField(h, "mount_point").is_string()) continue;
    CgroupHierarchy c;
    c.mount_point = jsonField(h, "mount_point").get<std::string>();
    c.root = string(h, "root");
    if (jsonField(h, "id").is_number_integer()) c.id = jsonField(h, "id").get<int>();
    if (jsonField(h, "version").is_number_integer()) c.version = jsonField(h, "version").get<int>();
    m.hierarchies.push_back(std::move(c));
  }
  return m;
}

}  // namespace memsift::bundle
