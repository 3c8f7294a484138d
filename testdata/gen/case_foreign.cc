// The cases of the other architectures customers run: `s390x-pinned-anon` (big-endian page-frame
// tables, 4 KiB pages, 1 MiB THPs) and `arm64-16k-thp` (16 KiB pages, 32 MiB PMD THPs). Each is
// the healthy server mix of the x86_64 cases on that platform's layout, plus one incident.
#include "testdata/gen/flag_letters.h"
#include "testdata/gen/host_case.h"
#include "testdata/gen/linear_host.h"

namespace memsift::testgen {

std::map<std::string, uint64_t> healthyEvents();  // case_synthetic.cc

using namespace letters;

void caseS390xPinnedAnon(const Options& o) {
  // A Linux on IBM Z guest (an LPAR, 4 KiB pages, big-endian) whose message broker registers
  // its buffers with a RoCE Express adapter (mlx5 RDMA: ibv_reg_mr pins them, FOLL_LONGTERM)
  // and unmaps 1 GiB of them without deregistering: anonymous 4 KiB pages, still on the LRU and
  // charged to the broker's service, mapped by no process. THPs are 1 MiB here (a segment), and
  // the healthy mix's postgres and java map them. Real z hardware has EDAT-1, so THP is on
  // (qemu's TCG lacks it, ../shared/kernel-facts.md: no THP there).
  HostCase c(o, s390xPlatform(), "s390x-pinned-anon", 8, 1, 2);
  c.host().facts.hostname = "s390x-pinned-anon";
  c.healthyProfile(0.6);
  constexpr const char* kService = "/system.slice/mq-broker.service";
  const size_t p = c.proc({.pid = 6230,
                           .ppid = 1,
                           .comm = "mq-broker",
                           .argv = {"/opt/mq/bin/mq-broker", "--transport=rdma", "--dev=roce0"},
                           .cgroup = kService,
                           .uid = 1002,
                           .threads = 24,
                           .fds = {"/dev/infiniband/uverbs0", "socket:[90210]"}});
  c.procShare(p, ProcField::kAnon,
              {.name = "anon mq-broker",
               .cat = Cat::kAnonMapped,
               .flags = U | D | l | A | M | a | b | x,
               .count = 1,
               .acct = kAcctAnon},
              0.005);
  c.exact({.name = "pinned anon",
           .cat = Cat::kAnonUnmapped,
           .flags = U | D | l | A | a | b | x,
           .vary = R,
           .count = 0,
           .cgroup = c.inode(kService),
           .max_run = 256},
          {262144});  // 1 GiB
  c.host().procs[p].pinned = 262144;
  c.host().foll_pins = 262144;
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  auto& f = c.expect().findingFromCategory("unmapped-anon", "warning", Cat::kAnonUnmapped, c.host(),
                                           *c.frames());
  f["summary"] = "1 GiB of anonymous pages on the LRU that no process maps";
  c.finish();
}

void caseArm64k16Thp(const Options& o) {
  // An arm64 KVM host built with 16 KiB pages: a VMM with an NVMe passed through by VFIO had
  // its guest's memory in 32 MiB PMD THPs, pinned for DMA. After the guest's memory was
  // unplugged the VMM unmapped it, but a leaked VFIO DMA mapping keeps 64 of the THPs pinned:
  // anonymous, on the LRU, charged to the VM's scope, mapped by no process (the seed incident's
  // pattern at another page size).
  HostCase c(o, arm64k16Platform(), "arm64-16k-thp", 8, 1, 2);
  c.host().facts.hostname = "arm64-16k-thp";
  c.healthyProfile(0.6);
  constexpr const char* kVm = "/machine.slice/vm-storage01.scope";
  const size_t p = c.proc({.pid = 7410,
                           .ppid = 1,
                           .comm = "cloud-hyperviso",
                           .argv = {"/usr/bin/cloud-hypervisor", "--memory", "size=4G,hotplug=on",
                                    "--device", "path=/sys/bus/pci/devices/0000:01:00.0"},
                           .cgroup = kVm,
                           .threads = 6,
                           // VFIO type1 pins the guest's memory and counts it in locked_vm.
                           .fds = {"/dev/vfio/vfio", "/dev/vfio/12", "anon_inode:[eventfd]"}});
  c.procShare(p, ProcField::kAnonThp,
              {.name = "thp vmm guest",
               .cat = Cat::kAnonThpMapped,
               .order = 11,
               .flags = U | D | l | A | M | a | b | t | x,
               .vary = R,
               .count = 1,
               .acct = kAcctAnon | kAcctAnonThp,
               .max_run = 4},
              0.05);
  c.exact({.name = "leaked thp",
           .cat = Cat::kAnonThpUnmapped,
           .order = 11,
           .flags = U | D | l | A | a | b | t | x,
           .vary = R,
           .count = 0,
           .cgroup = c.inode(kVm),
           .max_run = 4},
          {c.leak(64 * kPmdPages16k, kPmdPages16k)});  // 2 GiB
  // The leaked DMA mapping still holds its FOLL_PIN pins (vfio_pin_pages_remote()); the guest's
  // own memory is pinned as well, but this case counts only the leak's.
  c.host().foll_pins = c.leak(64 * kPmdPages16k, kPmdPages16k);
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  auto& f = c.expect().findingFromCategory("unmapped-anon-thp", "warning", Cat::kAnonThpUnmapped,
                                           c.host(), *c.frames());
  f["summary"] = std::to_string(c.leak(64)) + " transparent huge pages (32 MiB each) no process maps";
  c.finish();
}

}  // namespace memsift::testgen
