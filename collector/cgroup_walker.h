// Walks the memory cgroup hierarchies: for every cgroup directory, one row of cgroups.tsv
// (hierarchy, inode number, path: st_ino of the directory is what /proc/kpagecgroup holds,
// mm/memcontrol.c page_cgroup_ino()), and its memory files and cgroup.procs as members under
// their real path. Memory grows with the depth of the tree, not its size.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "collector/cgroup_mounts.h"
#include "collector/recorder.h"
#include "collector/stop_control.h"
#include "collector/system_root.h"
#include "collector/text_reader.h"
#include "collector/tsv_member.h"
#include "common/bundle/derived_tables.h"

namespace memsift::collector {

// The inode numbers of a copied system's cgroup directories (--cgroup-inodes FILE): path beneath
// the root without the leading '/' ("sys/fs/cgroup/system.slice") -> inode on the original.
using CgroupInodes = std::map<std::string, uint64_t, std::less<>>;

// Reads FILE: one "INODE<TAB>PATH" line per directory, PATH absolute as on the original system
// (what `find /sys/fs/cgroup -type d -printf '%i\t%p\n'` prints there). Empty lines are skipped.
// Throws Error(kInput) naming the file and line for an unreadable file or a malformed line.
CgroupInodes readCgroupInodes(const std::string& file);

class CgroupWalker {
 public:
  // `inodes`: with --cgroup-inodes, the original system's inode numbers, which replace the
  // directories' st_ino in cgroups.tsv; a directory the file does not list gets inode 0
  // (unknown) and a source entry saying so.
  CgroupWalker(const SystemRoot& root, TextReader& text, Recorder& out, StopControl& stop,
               const CgroupInodes* inodes = nullptr);
  // Walks every hierarchy (ids are indices into `hierarchies`) and stores cgroups.tsv.
  void run(const std::vector<CgroupHierarchy>& hierarchies);
  // A cheap snapshot of a series: only each cgroup's usage and memory.stat
  // (members::isSeriesCgroupFile), each stored under `prefix` ("series/3/") and its real path;
  // no cgroups.tsv (the final collection's tells the inodes).
  void runSnapshot(const std::vector<CgroupHierarchy>& hierarchies, std::string_view prefix);
  uint64_t cgroupsSeen() const { return cgroups_; }
  // With --cgroup-inodes: the file's lines that matched a directory of the tree.
  uint64_t inodesMatched() const { return inodes_matched_; }

 private:
  void walkAll(const std::vector<CgroupHierarchy>& hierarchies);
  void walk(UniqueFd dir, int hierarchy, int depth);

  const SystemRoot& root_;
  TextReader& text_;
  Recorder& out_;
  StopControl& stop_;
  TsvMember* map_ = nullptr;
  // "sys/fs/cgroup/memory/system.slice" (after prefix_): grows and shrinks with the walk.
  std::string member_dir_;
  size_t prefix_ = 0;      // the length of a snapshot's "series/K/" at the start of member_dir_
  bool snapshot_ = false;  // runSnapshot(): the series' files only
  std::string path_;       // "/system.slice": the path inside the hierarchy
  uint64_t cgroups_ = 0;
  const CgroupInodes* inodes_;
  uint64_t inodes_matched_ = 0;
};

}  // namespace memsift::collector
