// The manifest.json fields the readers act on, typed: read once, after manifest_check.h has
// checked them (a reader never sees a page size of 0 or a byte order of "middle"). Fields a
// manifest leaves out keep the defaults below, which are what older bundles meant.
//
// Written by the collector (collector/collection.cc, as JSON; docs/bundle-format.md lists every
// field); read here for the analysis (analyzer/analysis/bundle_loader.cc) and memsift page-types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/units.h"

namespace memsift::bundle {

// A memory cgroup hierarchy of the captured host (memory_cgroups.hierarchies[]).
struct CgroupHierarchy {
  std::optional<int> id;    // what cgroups.tsv's first column refers to
  int version = 1;          // 1: the v1 memory controller; 2: the unified hierarchy
  std::string mount_point;  // "/sys/fs/cgroup/memory", as on the captured host

  // The mount point as a member directory: "sys/fs/cgroup/memory" ("" for "/").
  std::string memberPrefix() const;
};

struct Manifest {
  PageSize page_size{4096};  // host.page_size
  // host.byte_order: whether the page-frame tables are big-endian; nullopt when the manifest
  // does not say (older collectors wrote this machine's order and no field).
  std::optional<bool> big_endian;
  // memory_cgroups.kpagecgroup_hierarchy: the hierarchy whose inodes kpagecgroup holds; nullopt
  // when the manifest does not say (every hierarchy's inodes are candidates).
  std::optional<int> kpagecgroup_hierarchy;
  std::vector<CgroupHierarchy> hierarchies;  // those with a mount point

  // Whether the page-frame tables must be byte-swapped on this machine.
  bool tablesNeedByteSwap() const;
};

// Reads a checked manifest (manifestProblem() found nothing).
Manifest readManifest(const nlohmann::json& manifest);

}  // namespace memsift::bundle
