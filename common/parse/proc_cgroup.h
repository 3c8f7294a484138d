// Parser for /proc/PID/cgroup: which cgroup a process is in, per hierarchy.
//
// kernel/cgroup/cgroup.c (proc_cgroup_show) prints "hierarchy-ID:controller-list:cgroup-path":
// v1 lines like "4:memory:/docker/abc" (named hierarchies as "name=systemd"), and the v2 line as
// "0::/path" (Documentation/admin-guide/cgroup-v2.rst). The path may itself contain ':', so only
// the first two colons split. The text must outlive the result.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"

namespace memsift::parse {

struct CgroupMembership {
  uint32_t hierarchy = 0;
  std::string_view controllers;  // "memory", "cpu,cpuacct", "name=systemd", "" for v2
  std::string_view path;         // "/process_api/e4f0...", "/"
  size_t line = 0;

  bool isV2() const { return hierarchy == 0 && controllers.empty(); }
  // True if `controller` is one of the comma-separated controllers.
  bool hasController(std::string_view controller) const;
};

std::vector<CgroupMembership> parseProcCgroup(std::string_view text, IssueSink& issues);

// The memory cgroup's path: the v1 line with the "memory" controller if there is one, else the
// v2 line (where memory is accounted when v1 has no memory hierarchy); nullopt if neither.
std::optional<std::string_view> memoryCgroupPath(const std::vector<CgroupMembership>& entries);

}  // namespace memsift::parse
