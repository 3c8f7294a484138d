// manifest.json, the bundle's first member: its fields typed, written once (by the collector,
// through manifestJson() and BundleWriter::writeManifest()), checked before anything uses them,
// and read back. docs/bundle-format.md lists every field and what it means.
//
// A bundle is hostile input: a page size of 0 divided by zero, 3 gave "3 B pages", a byte order of
// "middle" was read as little, and a format major of 2^32+1 was truncated to 1 and accepted.
// Every field a reader relies on is checked here, once, for every command, and a wrong one is
// named; readManifest() reads only a checked manifest. Fields a manifest leaves out keep the
// defaults below, which are what older bundles meant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/units.h"

namespace memsift::bundle {

// The page sizes a bundle may record: powers of two from 4 KiB (x86, arm64) to 1 MiB; Linux's
// largest base page today is 256 KiB (hexagon, powerpc 44x).
inline constexpr uint64_t kMinPageSize = 4096;
inline constexpr uint64_t kMaxPageSize = 1 << 20;
// Format versions above this are not versions but damage.
inline constexpr uint64_t kMaxFormatVersion = 65535;

// A memory cgroup hierarchy of the captured host (memory_cgroups.hierarchies[]).
struct CgroupHierarchy {
  std::optional<int> id;    // what cgroups.tsv's first column refers to
  int version = 1;          // 1: the v1 memory controller; 2: the unified hierarchy
  std::string mount_point;  // "/sys/fs/cgroup/memory", as on the captured host
  std::string root;         // the hierarchy's path mounted there: "/", "/docker/ID"

  // The mount point as a member directory: "sys/fs/cgroup/memory" ("" for "/").
  std::string memberPrefix() const;
};

// The host collected (manifest.host), as the collector found it.
struct HostRecord {
  std::string hostname;  // a keyed hash with --redact
  std::string kernel_release;
  std::string kernel_version;    // proc/version, the whole line
  std::string arch;              // "x86_64", as uname -m says
  std::string page_size_source;  // how the page size is known ("--page-size", a file, ...)
  std::string byte_order_source;
  std::optional<double> uptime_seconds;
  int64_t start_time_unix = 0;
  std::string start_time_utc;  // "2025-11-25T14:50:00Z"
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

  HostRecord host;
  // memory_cgroups.inodes_from: where cgroups.tsv's inode numbers come from, "st_ino" or
  // "--cgroup-inodes FILE".
  std::string cgroup_inodes_from = "st_ino";
  // The collector's own records, shown as they are (memsift info): options as used, and its
  // euid and scheduling priority.
  nlohmann::json options = nlohmann::json::object();
  std::optional<uint64_t> euid;
  // Its own process id on the live host (absent with --root, whose processes are another
  // system's): a series' growth leaves it out, since its memory grows with its own buffers.
  std::optional<uint64_t> pid;
  nlohmann::json priority = nlohmann::json::object();

  // Whether the page-frame tables must be byte-swapped on this machine.
  bool tablesNeedByteSwap() const;
};

// The manifest as JSON, without format, tool and page_chunk_frames, which manifestText() adds.
// Strings that are not valid UTF-8 have each bad byte replaced by U+FFFD.
nlohmann::json manifestJson(const Manifest& manifest);

// manifest.json's text: `manifest` with format {name, major, minor}, tool.version and
// page_chunk_frames of this build set. The one place a manifest is written
// (BundleWriter::writeManifest).
std::string manifestText(nlohmann::json manifest);

// nullopt if format {name, major, minor} is there and in range; else what is wrong. Checked
// first: a newer major is refused by its number, whatever else its manifest holds.
std::optional<std::string> formatProblem(const nlohmann::json& manifest);

// nullopt if every other field that is present has its documented type and range (absent fields
// keep the readers' defaults); else which field is wrong and what was expected: "host.page_size is
// 0; expected a power of two from 4096 to 1048576". Checked: page_chunk_frames, tool.version, host
// (page_size, byte_order, the strings, uptime and start time), memory_cgroups
// (kpagecgroup_hierarchy, hierarchies[] id, version, mount_point, root), and that options,
// collector and derived_members are objects.
std::optional<std::string> manifestProblem(const nlohmann::json& manifest);

// Reads a checked manifest (manifestProblem() found nothing).
Manifest readManifest(const nlohmann::json& manifest);

}  // namespace memsift::bundle
