// Walks the memory cgroup hierarchies: for every cgroup directory, one row of cgroups.tsv
// (hierarchy, inode number, path: st_ino of the directory is what /proc/kpagecgroup holds,
// mm/memcontrol.c page_cgroup_ino()), and its memory files and cgroup.procs as members under
// their real path. Memory grows with the depth of the tree, not its size.
#pragma once

#include <string>
#include <vector>

#include "collector/cgroup_mounts.h"
#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"
#include "collector/text_reader.h"
#include "collector/tsv_member.h"

namespace memsift::collector {

inline constexpr std::string_view kCgroupMapMember = "cgroups.tsv";

class CgroupWalker {
 public:
  CgroupWalker(const SystemRoot& root, TextReader& text, Recorder& out, StopControl& stop);
  // Walks every hierarchy (ids are indices into `hierarchies`) and stores cgroups.tsv.
  void run(const std::vector<CgroupHierarchy>& hierarchies);
  uint64_t cgroupsSeen() const { return cgroups_; }

 private:
  void walk(UniqueFd dir, int hierarchy, int depth);

  const SystemRoot& root_;
  TextReader& text_;
  Recorder& out_;
  StopControl& stop_;
  TsvMember* map_ = nullptr;
  std::string member_dir_;  // "sys/fs/cgroup/memory/system.slice": grows and shrinks with the walk
  std::string path_;        // "/system.slice": the path inside the hierarchy
  uint64_t cgroups_ = 0;
};

}  // namespace memsift::collector
