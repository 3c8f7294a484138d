// Member names built and taken apart (see members.h).
#include "common/bundle/members.h"

#include <algorithm>

#include "common/parse/fields.h"

namespace memsift::bundle::members {

std::string nodeMemberDir(std::string_view node_dir_name) {
  std::string dir(kNodeDir);
  dir.append("/").append(node_dir_name).append("/");
  return dir;
}

bool isNodeMeminfo(std::string_view name) {
  return name.starts_with(kNodeDir) && name.substr(kNodeDir.size()).starts_with("/node") &&
         name.ends_with("/meminfo");
}

std::string pageTableSource(PageTable table) {
  std::string path(kProcDir);
  path.append("/").append(pageTableName(table));
  return path;
}

std::string processDir(std::string_view pid) {
  std::string dir(kProcDir);
  dir.append("/").append(pid);
  return dir;
}

std::string processMember(int pid, std::string_view file) {
  std::string name = processDir(std::to_string(pid));
  name.append("/").append(file);
  return name;
}

std::string everyProcessMember(std::string_view file) {
  return processDir("*").append("/").append(file);
}

std::optional<ProcessMember> parseProcessMember(std::string_view name) {
  if (!name.starts_with(kProcDir) || name.substr(kProcDir.size(), 1) != "/") return std::nullopt;
  name.remove_prefix(kProcDir.size() + 1);
  size_t slash = name.find('/');
  uint64_t pid = 0;
  // Far above PID_MAX_LIMIT (2^22, include/linux/threads.h): a larger number is no process.
  if (slash == std::string_view::npos ||
      parse::parseU64(name.substr(0, slash), pid) != parse::NumStatus::kOk || pid > 1u << 30) {
    return std::nullopt;
  }
  const TextPart file = parseTextPartMemberName(name.substr(slash + 1));
  if (const size_t sub = file.source.find('/'); sub != std::string_view::npos) {
    uint64_t fd = 0;
    if (file.source.substr(0, sub) != kProcFdinfoDir ||
        parse::parseU64(file.source.substr(sub + 1), fd) != parse::NumStatus::kOk) {
      return std::nullopt;  // proc/PID/task/...
    }
  }
  return ProcessMember{static_cast<int>(pid), file.source, file.part};
}

bool isCgroupFile(std::string_view file) {
  auto in = [file](const auto& list) {
    return std::find(list.begin(), list.end(), file) != list.end();
  };
  return in(kCgroupCommonFiles) || in(kCgroupV2Files) || in(kCgroupV1Files);
}

std::string mountMemberDir(std::string_view mount_point) {
  size_t first = mount_point.find_first_not_of('/');
  if (first == std::string_view::npos) return "";
  size_t last = mount_point.find_last_not_of('/');
  return std::string(mount_point.substr(first, last + 1 - first));
}

std::string cgroupMemberDir(std::string_view hierarchy_dir, std::string_view path) {
  std::string dir(hierarchy_dir);
  if (path != "/") dir.append(path);
  return dir;
}

std::optional<CgroupMember> parseCgroupMember(std::string_view name,
                                              std::span<const std::string> hierarchy_dirs) {
  size_t slash = name.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view dir = name.substr(0, slash);
  for (size_t i = 0; i < hierarchy_dirs.size(); ++i) {
    const std::string& h = hierarchy_dirs[i];
    if (dir == h || (dir.starts_with(h) && dir[h.size()] == '/')) {
      return CgroupMember{i, dir, name.substr(slash + 1)};
    }
  }
  return std::nullopt;
}

bool isSeriesCgroupFile(std::string_view file) {
  return file == kMemoryStat || file == kCgroupV1Counters.usage || file == kCgroupV2Counters.usage;
}

std::string seriesMember(unsigned seq, std::string_view name) {
  std::string member(kSeriesDir);
  member.append("/").append(std::to_string(seq)).append("/").append(name);
  return member;
}

bool isSeriesIndex(std::string_view name) {
  const std::optional<SeriesMember> m = parseSeriesMember(name);
  return m && m->name == kIndexName;
}

std::optional<SeriesMember> parseSeriesMember(std::string_view name) {
  if (!name.starts_with(kSeriesDir) || name.substr(kSeriesDir.size(), 1) != "/") {
    return std::nullopt;
  }
  name.remove_prefix(kSeriesDir.size() + 1);
  const size_t slash = name.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == name.size()) {
    return std::nullopt;
  }
  const std::string_view digits = name.substr(0, slash);
  uint64_t seq = 0;
  // One spelling per snapshot: "03" or "+3" would name a member no collector writes.
  if (digits[0] == '0' || parse::parseU64(digits, seq) != parse::NumStatus::kOk || seq == 0 ||
      seq > kMaxSeriesSnapshots) {
    return std::nullopt;
  }
  return SeriesMember{static_cast<unsigned>(seq), name.substr(slash + 1)};
}

}  // namespace memsift::bundle::members
