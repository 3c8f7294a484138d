// Caps of text members (see text_caps.h). Real sizes, for scale: meminfo ~1.5 KiB, vmstat ~5 KiB,
// status ~1.5 KiB, smaps_rollup ~1 KiB, memory.stat ~2 KiB; zoneinfo grows with CPUs and zones
// and slabinfo with caches, up to a few MiB on large hosts (the writer's 4 MiB part size).
#include "common/bundle/text_caps.h"

#include "common/bundle/bundle_format.h"
#include "common/bundle/members.h"

namespace memsift::bundle {
namespace {

constexpr uint64_t KiB = 1024;

struct Rule {
  std::string_view suffix;  // the member name ends with it (after a '/' or as the whole name)
  TextCap cap;
};

constexpr Rule kRules[] = {
    {"meminfo", {64 * KiB, "meminfo", true}},  // also node*/meminfo
    {"meminfo.after", {64 * KiB, "meminfo", true}},
    {"vmstat", {256 * KiB, "vmstat", true}},
    {"vmstat.after", {256 * KiB, "vmstat", true}},
    {"buddyinfo", {64 * KiB, "buddyinfo", true}},
    {"swaps", {64 * KiB, "swaps", true}},
    {members::kProcStatus, {64 * KiB, "status", true}},
    {members::kProcSmapsRollup, {64 * KiB, "smaps_rollup", true}},
    {members::kProcCgroup, {64 * KiB, "/proc/PID/cgroup", true}},
    {members::kProcComm, {4 * KiB, "comm", false}},
    // Only shown, shortened, in the report: a 2 MiB argument list costs nothing to cut.
    {members::kProcCmdline, {4 * KiB, "cmdline", false}},
    {members::kMemoryStat, {64 * KiB, "memory.stat", true}},
    {members::kCgroupV1Counters.usage, {4 * KiB, "cgroup counter", true}},
    {members::kCgroupV2Counters.usage, {4 * KiB, "cgroup counter", true}},
    {members::kCgroupV1Counters.limit, {4 * KiB, "cgroup counter", true}},
    {members::kCgroupV2Counters.limit, {4 * KiB, "cgroup counter", true}},
    {"nr_hugepages", {4 * KiB, "sysfs value", true}},
    {"block_size_bytes", {4 * KiB, "sysfs value", true}},
    {"enabled", {4 * KiB, "sysfs value", true}},
    {"defrag", {4 * KiB, "sysfs value", true}},
    {"hpage_pmd_size", {4 * KiB, "sysfs value", true}},
    {"nr_anon", {4 * KiB, "sysfs value", true}},
    // A snapshot's record in a series: four numbers.
    {members::kSnapshotInfo, {4 * KiB, "snapshot record", true}},
};

}  // namespace

TextCap keptTextCap(std::string_view member) {
  for (const Rule& r : kRules) {
    if (member == r.suffix ||
        (member.ends_with(r.suffix) && member[member.size() - r.suffix.size() - 1] == '/')) {
      return r.cap;
    }
  }
  return {kMaxTextMemberBytes, "text member", true};
}

}  // namespace memsift::bundle
