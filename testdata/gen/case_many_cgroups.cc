// `many-cgroups`: a host whose derived tables outgrow one member. The collector stores
// cgroups.tsv and memory-blocks.tsv in parts of 256 KiB (NAME, NAME.part2, ...,
// collector/tsv_member.h); 5,000 memory cgroups with Kubernetes-length paths and 16,000 small
// memory blocks (a memory-blocks.tsv row is about 22 bytes: 4,000 blocks would fit in one part)
// make both tables span parts, and the incident sits in the parts after the first: the pinned
// pages are charged to the last cgroup and lie in node 1's blocks, at the end of memory.
#include <cstdio>

#include "testdata/gen/flag_letters.h"
#include "testdata/gen/host_case.h"

namespace memsift::testgen {

std::map<std::string, uint64_t> healthyEvents();  // case_synthetic.cc

using namespace letters;

namespace {

constexpr int kPods = 5000;

// "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0000...0042.slice": the shape
// of the paths the kubelet's systemd driver creates (about 90 bytes a row).
std::string podPath(int i) {
  char pod[64];
  std::snprintf(pod, sizeof pod, "kubepods-burstable-pod%032x.slice", static_cast<unsigned>(i));
  return std::string("/kubepods.slice/kubepods-burstable.slice/") + pod;
}

}  // namespace

void caseManyCgroups(const Options& o) {
  HostCase c(o, x86Platform(), "many-cgroups", 8, 2, 2);
  c.host().facts.hostname = "many-cgroups";
  // 512 KiB blocks (128 pages): smaller than any real x86 block (128 MiB at least), so that a
  // small host has the ~16,000 rows a large one would.
  c.host().layout.block_pages = 128;
  c.healthyProfile(0.6);
  for (int i = 0; i < kPods; ++i)
    c.cgroup(podPath(i));
  const std::string last = podPath(kPods - 1);
  c.exact({.name = "pinned anon",
           .cat = Cat::kAnonUnmapped,
           .flags = U | D | l | A | a | b | x,
           .vary = R,
           .count = 0,
           .cgroup = c.inode(last),
           .max_run = 512},
          {0, 131072});  // 512 MiB, all on node 1
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  auto& f = c.expect().findingFromCategory("unmapped-anon", "warning", Cat::kAnonUnmapped, c.host(),
                                           *c.frames());
  f["summary"] = "512 MiB of anonymous pages on the LRU that no process maps";
  c.expect().json()["last_cgroup"] = {{"path", last}, {"inode", c.inode(last)}};
  c.finish();
}

}  // namespace memsift::testgen
