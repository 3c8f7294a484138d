// The options of a run as manifest.json records them.
#include "collector/options.h"

#include "collector/host_facts.h"

namespace memsift::collector {

nlohmann::json optionsJson(const CollectOptions& o) {
  nlohmann::json j = {
      {"root", validUtf8(o.root)}, {"page_tables", o.page_tables},
      {"smaps", o.smaps},          {"redact", o.redact},
      {"level", o.level},          {"nice", o.nice},
  };
  j["byte_order"] = o.byte_order.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.byte_order);
  j["cgroup_inodes"] = o.cgroup_inodes.empty() ? nlohmann::json(nullptr)
                                               : nlohmann::json(validUtf8(o.cgroup_inodes));
  j["page_size"] = o.page_size ? nlohmann::json(*o.page_size) : nlohmann::json(nullptr);
  j["max_pids"] = o.max_pids ? nlohmann::json(*o.max_pids) : nlohmann::json(nullptr);
  j["max_seconds"] = o.max_seconds ? nlohmann::json(*o.max_seconds) : nlohmann::json(nullptr);
  // Only in a series' manifest: a bundle of one moment is written as before format 1.2.
  if (o.series_count > 0) {
    j["every"] = o.every_seconds;
    j["count"] = o.series_count;
    j["for"] = o.for_seconds ? nlohmann::json(*o.for_seconds) : nlohmann::json(nullptr);
  }
  return j;
}

}  // namespace memsift::collector
