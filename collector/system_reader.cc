// Host-wide sources. Lists follow the issue and what the analyzer reads; where a file is missing
// on this kernel it is recorded as absent, never guessed.
#include "collector/system_reader.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <array>

#include "collector/tsv_member.h"
#include "common/bundle/derived_tables.h"

namespace memsift::collector {

namespace {

// boot_id tells two bundles of one boot from two boots of one host (memsift diff).
constexpr std::array<const char*, 15> kProcFiles = {
    "proc/cmdline",         "proc/version",
    "proc/uptime",          "proc/loadavg",
    "proc/zoneinfo",        "proc/buddyinfo",
    "proc/pagetypeinfo",    "proc/slabinfo",
    "proc/vmallocinfo",     "proc/iomem",
    "proc/swaps",           "proc/sys/kernel/osrelease",
    "proc/sys/kernel/arch", "proc/sys/kernel/hostname",
    "proc/sys/kernel/random/boot_id",
};

// Memory-management settings that explain an OOM: watermarks, overcommit, reclaim policy
// (Documentation/admin-guide/sysctl/vm.rst). Read-only sysctls; never written.
constexpr std::array<const char*, 12> kVmSysctls = {
    "min_free_kbytes",   "watermark_scale_factor",  "watermark_boost_factor",
    "overcommit_memory", "overcommit_ratio",        "overcommit_kbytes",
    "swappiness",        "zone_reclaim_mode",       "panic_on_oom",
    "nr_hugepages",      "nr_overcommit_hugepages", "vfs_cache_pressure",
};

constexpr std::array<const char*, 5> kNodeListFiles = {"online", "possible", "has_memory",
                                                       "has_normal_memory", "has_cpu"};
constexpr std::array<const char*, 4> kNodeFiles = {"meminfo", "numastat", "vmstat", "distance"};

// sysfs trees are shallow; a deeper one is a loop or a mistake.
constexpr int kMaxTreeDepth = 8;

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

void recordNotReached(Recorder& out, StopControl& stop, std::string_view name) {
  out.source(
      name,
      stop.reason() == StopReason::kDeadline ? SourceStatus::kTimeout : SourceStatus::kTruncated,
      "not reached: " + stop.describe());
}

SystemReader::SystemReader(const SystemRoot& root, TextReader& text, Recorder& out,
                           StopControl& stop, bool redact)
    : root_(root), text_(text), out_(out), stop_(stop), redact_(redact) {}

bool SystemReader::stopped(std::string_view name) {
  if (stop_.check() == StopReason::kNone) return false;
  recordNotReached(out_, stop_, name);
  return true;
}

void SystemReader::file(const std::string& rel, std::string_view name, const TextOptions& how) {
  if (name.empty()) name = rel;
  if (stopped(name)) return;
  text_.collect(root_.fd(), rel.c_str(), name, how);
}

void SystemReader::readProcFiles() {
  for (const char* f : kProcFiles) {
    TextOptions how;
    if (redact_ && std::string_view(f) == "proc/sys/kernel/hostname") {
      how.redaction = Redaction::kLine;
    }
    file(f, {}, how);
  }
  for (const char* f : kVmSysctls)
    file(std::string("proc/sys/vm/") + f);
  // mountinfo says which cgroup hierarchies exist and where; /proc/mounts is the fallback on
  // kernels without it (before 2.6.26).
  int err = 0;
  UniqueFd probe = root_.open("proc/self/mountinfo", 0, err);
  if (probe.valid() || err != ENOENT) {
    file("proc/self/mountinfo");
  } else {
    out_.source("proc/self/mountinfo", SourceStatus::kAbsent, errnoDetail(err));
    file("proc/mounts");
  }
}

void SystemReader::tree(std::string& rel, int depth) {
  if (stopped(rel)) return;
  int err = 0;
  UniqueFd fd = root_.openDir(rel, err);
  if (!fd.valid()) {
    out_.source(rel, statusForErrno(err), errnoDetail(err));
    return;
  }
  DirReader dir{std::move(fd)};
  const size_t len = rel.size();
  while (const dirent* e = dir.next()) {
    rel.push_back('/');
    rel.append(e->d_name);
    unsigned char type = dir.type(e);
    if (type == DT_DIR) {
      if (depth + 1 < kMaxTreeDepth) tree(rel, depth + 1);
    } else if (type == DT_REG) {
      struct stat st;
      // Write-only attributes (mode 0200, e.g. hugepages' "demote") cannot be read: skipping
      // them keeps the index free of denials that are not denials.
      if (::fstatat(dir.fd(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          (st.st_mode & 0444) != 0 && !stopped(rel)) {
        text_.collect(dir.fd(), e->d_name, rel);
      }
    }
    rel.resize(len);
  }
}

void SystemReader::readSysFiles() {
  std::string rel = "sys/kernel/mm/transparent_hugepage";
  tree(rel, 0);
  rel = "sys/kernel/mm/hugepages";
  tree(rel, 0);
  for (const char* f : kNodeListFiles)
    file(std::string("sys/devices/system/node/") + f);
  int err = 0;
  UniqueFd fd = root_.openDir("sys/devices/system/node", err);
  if (!fd.valid()) {
    out_.source("sys/devices/system/node", statusForErrno(err), errnoDetail(err));
    return;
  }
  DirReader nodes{std::move(fd)};
  while (const dirent* e = nodes.next()) {
    std::string_view name = e->d_name;
    if (!startsWith(name, "node") || !isAllDigits(name.substr(4))) continue;
    std::string base = "sys/devices/system/node/" + std::string(name) + "/";
    for (const char* f : kNodeFiles)
      file(base + f);
    rel = base + "hugepages";
    tree(rel, 0);
  }
}

void SystemReader::readMemoryBlocks() {
  file("sys/devices/system/memory/block_size_bytes");
  file("sys/devices/system/memory/auto_online_blocks");
  if (stopped(bundle::kMemoryBlocksMember)) return;
  int err = 0;
  UniqueFd fd = root_.openDir("sys/devices/system/memory", err);
  if (!fd.valid()) {
    out_.source("sys/devices/system/memory", statusForErrno(err), errnoDetail(err));
    return;
  }
  if (out_.dryRun()) {
    out_.planned(bundle::kMemoryBlocksMember);
    return;
  }
  // One row per block instead of a member per file: a large host has thousands of blocks, and
  // the node is a symbolic link (memoryN/nodeM), not a file. Columns hold the files' contents;
  // "-" where a file is missing.
  TsvMember table(out_, std::string(bundle::kMemoryBlocksMember), bundle::kMemoryBlocksHeader);
  DirReader blocks{std::move(fd)};
  std::string value;
  while (const dirent* e = blocks.next()) {
    std::string_view name = e->d_name;
    if (!startsWith(name, "memory") || !isAllDigits(name.substr(6))) continue;
    UniqueFd bfd = openAt(blocks.fd(), e->d_name, O_DIRECTORY, err);
    if (!bfd.valid()) continue;
    table.field(name.substr(6));
    table.field(readSmallAt(bfd.get(), "state", value) == 0 ? std::string_view(value) : "-");
    std::string node = "-";
    DirReader entries{openAt(bfd.get(), ".", O_DIRECTORY, err)};
    while (const dirent* b = entries.next()) {
      std::string_view bn = b->d_name;
      if (startsWith(bn, "node") && isAllDigits(bn.substr(4))) node = bn.substr(4);
    }
    table.field(node);
    table.field(readSmallAt(bfd.get(), "valid_zones", value) == 0 ? std::string_view(value) : "-");
    table.endRow();
  }
  table.finish();
}

void SystemReader::readKernelLog() {
  file("dev/kmsg", {}, {.kind = TextKind::kRecords});
}

}  // namespace memsift::collector
