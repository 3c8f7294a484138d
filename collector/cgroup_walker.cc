// The memory cgroup walk.
#include "collector/cgroup_walker.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/bundle/members.h"
#include "common/error.h"

namespace memsift::collector {

namespace {

// Deeper trees exist only by mistake or malice; the walk stops there and says so.
constexpr int kMaxDepth = 64;

}  // namespace

CgroupInodes readCgroupInodes(const std::string& file) {
  // stdio, not <fstream>: the static collector stays free of the C++ stream and locale code.
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(file.c_str(), "re"), &std::fclose);
  if (!in) throwInput(errnoMessage("cannot read --cgroup-inodes " + file, errno));
  CgroupInodes out;
  std::string line;
  char buffer[4096];
  uint64_t n = 0;
  auto take = [&]() {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return;
    auto bad = [&](const char* why) {
      throwInput("--cgroup-inodes " + file + " line " + std::to_string(n) + ": " + why +
                 " (expected INODE<TAB>/PATH)");
    };
    size_t tab = line.find('\t');
    if (tab == std::string::npos) bad("no tab");
    uint64_t ino = 0;
    auto r = std::from_chars(line.data(), line.data() + tab, ino);
    if (tab == 0 || r.ec != std::errc() || r.ptr != line.data() + tab) bad("not an inode number");
    if (ino == 0) bad("inode 0");
    std::string path = line.substr(tab + 1);
    if (path.empty() || path[0] != '/') bad("the path is not absolute");
    size_t first = path.find_first_not_of('/');
    path = first == std::string::npos ? "" : path.substr(first);
    while (!path.empty() && path.back() == '/')
      path.pop_back();
    if (!out.emplace(std::move(path), ino).second) bad("a path listed twice");
  };
  while (std::fgets(buffer, sizeof buffer, in.get()) != nullptr) {
    size_t len = std::strlen(buffer);
    bool whole = len > 0 && buffer[len - 1] == '\n';
    line.append(buffer, whole ? len - 1 : len);
    if (whole) {
      take();
      line.clear();
    }
  }
  if (std::ferror(in.get())) throwInput(errnoMessage("cannot read --cgroup-inodes " + file, errno));
  if (!line.empty()) take();
  return out;
}

CgroupWalker::CgroupWalker(const SystemRoot& root, TextReader& text, Recorder& out,
                           StopControl& stop, const CgroupInodes* inodes)
    : root_(root), text_(text), out_(out), stop_(stop), inodes_(inodes) {}

void CgroupWalker::run(const std::vector<CgroupHierarchy>& hierarchies) {
  if (out_.dryRun()) out_.planned(bundle::kCgroupMapMember);
  TsvMember map(out_, std::string(bundle::kCgroupMapMember), bundle::kCgroupMapHeader);
  map_ = &map;
  snapshot_ = false;
  prefix_ = 0;
  walkAll(hierarchies);
  if (!out_.dryRun()) map.finish();
  map_ = nullptr;
}

void CgroupWalker::runSnapshot(const std::vector<CgroupHierarchy>& hierarchies,
                               std::string_view prefix) {
  map_ = nullptr;
  snapshot_ = true;
  prefix_ = prefix.size();
  member_dir_ = prefix;
  walkAll(hierarchies);
}

void CgroupWalker::walkAll(const std::vector<CgroupHierarchy>& hierarchies) {
  const std::string prefix = member_dir_.substr(0, prefix_);
  for (size_t i = 0; i < hierarchies.size(); ++i) {
    const CgroupHierarchy& h = hierarchies[i];
    member_dir_ = prefix + bundle::members::mountMemberDir(h.mount_point);
    path_ = h.root;
    int err = 0;
    UniqueFd dir = root_.openDir(member_dir_.substr(prefix_), err);
    if (!dir.valid()) {
      out_.source(member_dir_, statusForErrno(err), errnoDetail(err));
      continue;
    }
    walk(std::move(dir), static_cast<int>(i), 0);
  }
}

void CgroupWalker::walk(UniqueFd fd, int hierarchy, int depth) {
  DirReader dir{std::move(fd)};
  if (!dir.valid()) return;
  struct stat st;
  if (::fstat(dir.fd(), &st) != 0) return;
  ++cgroups_;
  uint64_t ino = static_cast<uint64_t>(st.st_ino);
  if (inodes_ && !snapshot_) {
    // The copy's st_ino is not what the original's kpagecgroup holds: take the original's, and
    // say so where it is unknown rather than attribute frames to the wrong cgroup.
    if (auto it = inodes_->find(member_dir_.substr(prefix_)); it != inodes_->end()) {
      ino = it->second;
      ++inodes_matched_;
    } else {
      ino = 0;
      out_.source(member_dir_, SourceStatus::kAbsent,
                  "not listed in --cgroup-inodes: inode unknown (0 in cgroups.tsv)");
    }
  }
  if (map_ != nullptr && !out_.dryRun()) {
    map_->field(static_cast<uint64_t>(hierarchy)).field(ino).field(path_);
    map_->endRow();
  }
  const size_t dir_len = member_dir_.size();
  const size_t path_len = path_.size();
  while (const dirent* e = dir.next()) {
    if (stop_.check() != StopReason::kNone) return;  // the caller records the stop
    std::string_view name = e->d_name;
    unsigned char type = dir.type(e);
    member_dir_.push_back('/');
    member_dir_.append(name);
    const bool stored =
        snapshot_ ? bundle::members::isSeriesCgroupFile(name) : bundle::members::isCgroupFile(name);
    if (type == DT_REG && stored) {
      // Listed a moment ago: if it is gone now, the cgroup was removed while walked.
      text_.collect(dir.fd(), e->d_name, member_dir_, {.if_missing = SourceStatus::kVanished});
    } else if (type == DT_DIR) {
      if (depth + 1 >= kMaxDepth) {
        out_.source(member_dir_, SourceStatus::kTruncated,
                    "deeper than " + std::to_string(kMaxDepth) + " levels: not walked");
      } else {
        int err = 0;
        UniqueFd sub = openAt(dir.fd(), e->d_name, O_DIRECTORY | O_NOFOLLOW, err);
        if (sub.valid()) {
          if (path_.empty() || path_.back() != '/') path_.push_back('/');
          path_.append(name);
          walk(std::move(sub), hierarchy, depth + 1);
          path_.resize(path_len);
        } else {
          SourceStatus s = statusForErrno(err);
          if (s == SourceStatus::kAbsent) s = SourceStatus::kVanished;  // removed after listing
          out_.source(member_dir_, s, errnoDetail(err));
        }
      }
    }
    member_dir_.resize(dir_len);
  }
}

}  // namespace memsift::collector
