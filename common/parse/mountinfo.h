// Parser for /proc/PID/mountinfo, with /proc/mounts (fstab format) as the fallback.
//
// fs/proc_namespace.c: show_mountinfo() prints "mount_id parent_id major:minor root mount_point
// mount_options [optional fields...] - fstype source super_options"; show_vfsmnt() (/proc/mounts)
// prints "source mount_point fstype options 0 0". Paths escape ' ', '\t', '\n' and '\\' as
// octal ("\040"): fields stay escaped here (views into the text, which must outlive the result);
// unescapeMountField() decodes one when needed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"

namespace memsift::parse {

struct MountEntry {
  // mountinfo only (nullopt from /proc/mounts):
  std::optional<uint64_t> mount_id;
  std::optional<uint64_t> parent_id;
  std::optional<uint32_t> dev_major;
  std::optional<uint32_t> dev_minor;
  std::string_view root;             // path inside the filesystem; empty from /proc/mounts
  std::string_view optional_fields;  // "shared:1 master:2", may be empty
  std::string_view super_options;    // per-superblock options; empty from /proc/mounts
  // Both formats:
  std::string_view mount_point;
  std::string_view options;  // per-mount options ("rw,relatime"); from /proc/mounts: all options
  std::string_view fs_type;  // "ext4", "cgroup2", "tmpfs", ...
  std::string_view source;   // "/dev/vda", "tmpfs", ...
  size_t line = 0;
};

std::vector<MountEntry> parseMountinfo(std::string_view text, IssueSink& issues);
std::vector<MountEntry> parseMounts(std::string_view text, IssueSink& issues);
// mountinfo if the first line looks like it (starts with two numbers), else /proc/mounts.
std::vector<MountEntry> parseMountTable(std::string_view text, IssueSink& issues);

// Decodes the kernel's "\ooo" octal escapes (mangle() in fs/proc_namespace.c).
std::string unescapeMountField(std::string_view field);

}  // namespace memsift::parse
