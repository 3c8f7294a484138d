// Host-wide sources, as the member catalogue (common/bundle/members.h) lists them; where a file is
// missing on this kernel it is recorded as absent, never guessed.
#include "collector/system_reader.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "collector/tsv_member.h"
#include "common/bundle/members.h"

namespace memsift::collector {

namespace {

namespace members = bundle::members;

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

void SystemReader::file(std::string_view rel, std::string_view name, const TextOptions& how) {
  if (name.empty()) name = rel;
  if (stopped(name)) return;
  const std::string path(rel);  // openat() wants it NUL-terminated
  text_.collect(root_.fd(), path.c_str(), name, how);
}

void SystemReader::readProcFiles() {
  for (std::string_view f : members::kProcFiles) {
    TextOptions how;
    if (redact_ && f == members::kHostname) how.redaction = Redaction::kLine;
    file(f, {}, how);
  }
  for (std::string_view f : members::kVmSysctls)
    file(std::string(members::kVmSysctlDir).append("/").append(f));
  // mountinfo says which cgroup hierarchies exist and where; /proc/mounts is the fallback on
  // kernels without it (before 2.6.26).
  int err = 0;
  UniqueFd probe = root_.open(std::string(members::kMountinfo), 0, err);
  if (probe.valid() || err != ENOENT) {
    file(members::kMountinfo);
  } else {
    out_.source(members::kMountinfo, SourceStatus::kAbsent, errnoDetail(err));
    file(members::kMounts);
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
  std::string rel(members::kThpDir);
  tree(rel, 0);
  rel = members::kHugepagesDir;
  tree(rel, 0);
  for (std::string_view f : members::kNodeListFiles)
    file(std::string(members::kNodeDir).append("/").append(f));
  int err = 0;
  UniqueFd fd = root_.openDir(std::string(members::kNodeDir), err);
  if (!fd.valid()) {
    out_.source(members::kNodeDir, statusForErrno(err), errnoDetail(err));
    return;
  }
  DirReader nodes{std::move(fd)};
  while (const dirent* e = nodes.next()) {
    std::string_view name = e->d_name;
    if (!startsWith(name, "node") || !isAllDigits(name.substr(4))) continue;
    const std::string base = members::nodeMemberDir(name);
    for (std::string_view f : members::kNodeFiles)
      file(base + std::string(f));
    rel = base + std::string(members::kNodeHugepagesDir);
    tree(rel, 0);
  }
}

void SystemReader::readMemoryBlocks() {
  file(members::kBlockSizeBytes);
  file(members::kAutoOnlineBlocks);
  if (stopped(bundle::kMemoryBlocksMember)) return;
  int err = 0;
  UniqueFd fd = root_.openDir(std::string(members::kMemoryBlockDir), err);
  if (!fd.valid()) {
    out_.source(members::kMemoryBlockDir, statusForErrno(err), errnoDetail(err));
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
  file(members::kKernelLog, {}, {.kind = TextKind::kRecords});
}

}  // namespace memsift::collector
