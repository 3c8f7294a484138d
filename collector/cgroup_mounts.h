// Finds the memory cgroup hierarchies in the mount table (common/parse/mountinfo.h): cgroup v1
// mounts whose super options name the "memory" controller, and cgroup2 mounts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memsift::collector {

struct CgroupHierarchy {
  int version = 0;          // 1 (memory controller) or 2 (unified)
  std::string mount_point;  // where it is mounted, as the host sees it: "/sys/fs/cgroup/memory"
  std::string root;         // the hierarchy's path mounted there: "/" (or "/docker/ID" inside a
                            // container); mountinfo field 4, "/" from /proc/mounts
  std::string device;       // "0:30": one hierarchy mounted twice is walked once
};

// From /proc/self/mountinfo, or /proc/mounts (whichever `text` is). Malformed lines are
// skipped: the collector stores the file itself, so nothing is lost.
std::vector<CgroupHierarchy> findCgroupHierarchies(std::string_view text);

// The hierarchy /proc/kpagecgroup's inode numbers refer to: the v1 memory hierarchy when the
// memory controller is bound to v1, else the unified one (mm/memcontrol.c, page_cgroup_ino()
// reports the memcg's css.cgroup). Index into `hierarchies`, or -1.
int pageCgroupHierarchy(const std::vector<CgroupHierarchy>& hierarchies);

}  // namespace memsift::collector
