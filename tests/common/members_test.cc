// The member catalogue: names built and taken apart the same way for the collector and readers.
#include "common/bundle/members.h"

#include <catch2/catch.hpp>

#include <set>

using namespace memsift::bundle;
using namespace memsift::bundle::members;

TEST_CASE("process members: built and parsed back, parts and other names told apart", "[members]") {
  CHECK(processDir("1234") == "proc/1234");
  CHECK(processMember(1234, kProcSmaps) == "proc/1234/smaps");
  auto m = parseProcessMember("proc/1234/smaps.part3");
  REQUIRE(m);
  CHECK(m->pid == 1234);
  CHECK(m->file == "smaps");
  CHECK(m->part == 3);
  for (const ProcessFile& f : kProcessFiles) {
    const std::string name = processMember(7, f.name);  // the parse's views point into it
    auto back = parseProcessMember(name);
    REQUIRE(back);
    CHECK(back->file == f.name);
    CHECK(back->part == 1);
  }
  for (std::string_view other : {"proc/meminfo", "proc/1/task/1/status", "proc/x/status", "proc/",
                                 "procx/1/status", "proc/99999999999/status"}) {
    INFO(other);
    CHECK(!parseProcessMember(other));
  }
  // smaps is the one a collection without smaps leaves out, and it comes last (the slow one).
  CHECK(kProcessFiles.back().name == kProcSmaps);
  CHECK(kProcessFiles.back().detail);
}

TEST_CASE("cgroup members: files of both versions, directories beneath each hierarchy",
          "[members]") {
  CHECK(isCgroupFile(kMemoryStat));
  CHECK(isCgroupFile(kCgroupProcs));
  for (const CgroupCounterFiles& c : {kCgroupV1Counters, kCgroupV2Counters}) {
    CHECK(isCgroupFile(c.usage));
    CHECK(isCgroupFile(c.limit));
  }
  CHECK(!isCgroupFile("memory.reclaim"));  // write-only: reading it is no use
  CHECK(!isCgroupFile("tasks"));
  // No file is listed twice (a list of 36 names kept by hand).
  std::set<std::string_view> all(kCgroupCommonFiles.begin(), kCgroupCommonFiles.end());
  all.insert(kCgroupV1Files.begin(), kCgroupV1Files.end());
  all.insert(kCgroupV2Files.begin(), kCgroupV2Files.end());
  CHECK(all.size() == kCgroupCommonFiles.size() + kCgroupV1Files.size() + kCgroupV2Files.size());

  CHECK(mountMemberDir("/sys/fs/cgroup/memory/") == "sys/fs/cgroup/memory");
  CHECK(mountMemberDir("//sys/fs/cgroup") == "sys/fs/cgroup");
  CHECK(mountMemberDir("/") == "");
  CHECK(cgroupMemberDir("sys/fs/cgroup", "/") == "sys/fs/cgroup");
  CHECK(cgroupMemberDir("sys/fs/cgroup", "/a/b") == "sys/fs/cgroup/a/b");

  const std::vector<std::string> dirs = {"sys/fs/cgroup/memory", "sys/fs/cgroup/unified"};
  auto c = parseCgroupMember("sys/fs/cgroup/unified/a.slice/memory.current", dirs);
  REQUIRE(c);
  CHECK(c->hierarchy == 1);
  CHECK(c->dir == "sys/fs/cgroup/unified/a.slice");
  CHECK(c->file == "memory.current");
  auto root = parseCgroupMember("sys/fs/cgroup/memory/memory.stat", dirs);
  REQUIRE(root);
  CHECK(root->hierarchy == 0);
  CHECK(root->dir == "sys/fs/cgroup/memory");
  // A directory whose name only begins like a hierarchy's is not beneath it.
  CHECK(!parseCgroupMember("sys/fs/cgroup/memoryx/memory.stat", dirs));
  CHECK(!parseCgroupMember("proc/meminfo", dirs));
}

TEST_CASE("host-wide members: counter pairs, nodes, page tables", "[members]") {
  CHECK(kMeminfoPair.before == "proc/meminfo");
  CHECK(kMeminfoPair.after == "proc/meminfo.after");
  CHECK(kVmstatPair.after == "proc/vmstat.after");
  CHECK(nodeMemberDir("node3") == "sys/devices/system/node/node3/");
  CHECK(isNodeMeminfo(nodeMemberDir("node3") + "meminfo"));
  CHECK(!isNodeMeminfo("sys/devices/system/node/has_memory"));
  CHECK(!isNodeMeminfo("proc/meminfo"));
  CHECK(pageTableSource(PageTable::kCgroup) == "proc/kpagecgroup");
  CHECK(std::string(kVmSysctlDir) + "/" + std::string(kVmSysctls[9]) == kNrHugepages);
}

TEST_CASE("series members: snapshot K's members under series/K/, built and parsed back",
          "[members][series]") {
  CHECK(seriesMember(3, kMeminfo) == "series/3/proc/meminfo");
  CHECK(seriesMember(12, kSnapshotInfo) == "series/12/snapshot.json");
  const std::string status = seriesMember(3, processMember(1234, kProcStatus));
  CHECK(status == "series/3/proc/1234/status");
  auto m = parseSeriesMember(status);
  REQUIRE(m);
  CHECK(m->seq == 3);
  CHECK(m->name == "proc/1234/status");
  // The inner name is an ordinary member's: the ordinary parsers take it.
  auto p = parseProcessMember(m->name);
  REQUIRE(p);
  CHECK(p->pid == 1234);
  CHECK(p->file == kProcStatus);
  auto cg = parseSeriesMember("series/2/sys/fs/cgroup/memory/x/memory.stat");
  REQUIRE(cg);
  CHECK(cg->seq == 2);
  CHECK(cg->name == "sys/fs/cgroup/memory/x/memory.stat");
  const std::string last = seriesMember(kMaxSeriesSnapshots, kKernelLog);
  REQUIRE(parseSeriesMember(last));
  CHECK(parseSeriesMember(last)->seq == kMaxSeriesSnapshots);
  for (std::string_view other :
       {"proc/meminfo", "series", "series/", "series/3", "series/3/", "series//proc/meminfo",
        "series/0/proc/meminfo", "series/03/proc/meminfo", "series/+3/proc/meminfo",
        "series/x/proc/meminfo", "series/1000001/proc/meminfo",
        "series/99999999999999999999999/proc/meminfo", "seriesx/3/proc/meminfo"}) {
    INFO(other);
    CHECK(!parseSeriesMember(other));
  }
  // What a cheap snapshot stores of a cgroup: the usage of either version and memory.stat.
  CHECK(isSeriesCgroupFile(kMemoryStat));
  CHECK(isSeriesCgroupFile(kCgroupV1Counters.usage));
  CHECK(isSeriesCgroupFile(kCgroupV2Counters.usage));
  CHECK(!isSeriesCgroupFile(kCgroupProcs));
  CHECK(!isSeriesCgroupFile(kCgroupV2Counters.limit));
}
