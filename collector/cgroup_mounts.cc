// Memory cgroup hierarchies from the parsed mount table.
#include "collector/cgroup_mounts.h"

#include "common/parse/mountinfo.h"

namespace memsift::collector {

namespace {

bool hasOption(std::string_view options, std::string_view wanted) {
  size_t pos = 0;
  while (pos <= options.size()) {
    size_t end = options.find(',', pos);
    if (end == std::string_view::npos) end = options.size();
    if (options.substr(pos, end - pos) == wanted) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::vector<CgroupHierarchy> findCgroupHierarchies(std::string_view text) {
  std::vector<parse::ParseIssue> ignored;
  parse::IssueSink issues("proc/self/mountinfo", ignored);
  std::vector<CgroupHierarchy> out;
  for (const parse::MountEntry& m : parse::parseMountTable(text, issues)) {
    CgroupHierarchy h;
    // /proc/mounts has no super options field: its options hold the controllers.
    std::string_view controllers = m.mount_id ? m.super_options : m.options;
    if (m.fs_type == "cgroup2") {
      h.version = 2;
    } else if (m.fs_type == "cgroup" && hasOption(controllers, "memory")) {
      h.version = 1;
    } else {
      continue;
    }
    if (m.dev_major && m.dev_minor) {
      h.device = std::to_string(*m.dev_major) + ":" + std::to_string(*m.dev_minor);
    }
    h.root = m.root.empty() ? "/" : parse::unescapeMountField(m.root);
    h.mount_point = parse::unescapeMountField(m.mount_point);
    bool seen = false;
    for (const CgroupHierarchy& e : out) {
      seen = seen || (!h.device.empty() && e.device == h.device) || e.mount_point == h.mount_point;
    }
    if (!seen) out.push_back(std::move(h));
  }
  return out;
}

int pageCgroupHierarchy(const std::vector<CgroupHierarchy>& hierarchies) {
  for (size_t i = 0; i < hierarchies.size(); ++i) {
    if (hierarchies[i].version == 1) return static_cast<int>(i);
  }
  for (size_t i = 0; i < hierarchies.size(); ++i) {
    if (hierarchies[i].version == 2) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace memsift::collector
