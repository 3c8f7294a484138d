// manifest.json's fields into a Manifest (see manifest.h).
#include "common/bundle/manifest.h"

#include <bit>

#include "common/bundle/members.h"
#include "common/json/json_field.h"

namespace memsift::bundle {

std::string CgroupHierarchy::memberPrefix() const {
  return members::mountMemberDir(mount_point);
}

bool Manifest::tablesNeedByteSwap() const {
  return big_endian && *big_endian != (std::endian::native == std::endian::big);
}

Manifest readManifest(const nlohmann::json& manifest) {
  Manifest m;
  const nlohmann::json& host = jsonField(manifest, "host");
  if (host.is_object()) {
    if (jsonField(host, "page_size").is_number_unsigned())
      m.page_size = PageSize(jsonField(host, "page_size").get<uint64_t>());
    if (jsonField(host, "byte_order").is_string())
      m.big_endian = jsonField(host, "byte_order") == "big";
  }
  const nlohmann::json& mc = jsonField(manifest, "memory_cgroups");
  if (!mc.is_object()) return m;
  if (jsonField(mc, "kpagecgroup_hierarchy").is_number_integer())
    m.kpagecgroup_hierarchy = jsonField(mc, "kpagecgroup_hierarchy").get<int>();
  if (!jsonField(mc, "hierarchies").is_array()) return m;
  for (const nlohmann::json& h : jsonField(mc, "hierarchies")) {
    if (!h.is_object() || !jsonField(h, "mount_point").is_string()) continue;
    CgroupHierarchy c;
    c.mount_point = jsonField(h, "mount_point").get<std::string>();
    if (jsonField(h, "id").is_number_integer()) c.id = jsonField(h, "id").get<int>();
    if (jsonField(h, "version").is_number_integer()) c.version = jsonField(h, "version").get<int>();
    m.hierarchies.push_back(std::move(c));
  }
  return m;
}

}  // namespace memsift::bundle
