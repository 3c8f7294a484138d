// `ppc64le-mthp`: a POWER host (ppc64le, 64 KiB pages, radix MMU, a 6.18 kernel, cgroup v2) whose
// model server leaks RDMA memory registrations. Its request buffers are faulted in as multi-size
// THP (mTHP) folios of 256 KiB, 512 KiB and 1 MiB; each is registered with the NIC (ibv_reg_mr
// pins it, FOLL_LONGTERM) and later unmapped without ibv_dereg_mr. The folios stay anonymous, on
// the LRU and charged to the pod, mapped by no process. They are below the 2 MiB PMD size, so
// AnonHugePages never counted them: only the page frames (KPF_THP marks large anonymous folios of
// any order) and the per-size counters (hugepages-<size>kB/stats/nr_anon) show what they are.
#include "testdata/gen/flag_letters.h"
#include "testdata/gen/host_case.h"
#include "testdata/gen/ppc64_host.h"

namespace memsift::testgen {

std::map<std::string, uint64_t> healthyEvents();  // case_synthetic.cc

namespace {

using namespace letters;

constexpr const char* kPod = "/kubepods.slice/kubepods-pod3c1e.slice/cri-containerd-9f4a.scope";

// The leaked folios per order, on node 0 and node 1: 1,536 x 1 MiB, 2,560 x 512 KiB and
// 5,632 x 256 KiB, 4.1 GiB in all.
struct Leak {
  unsigned order;
  uint64_t folios[2];
};
constexpr Leak kLeaks[] = {{4, {1024, 512}}, {3, {1536, 1024}}, {2, {3072, 2560}}};

// The per-size directories, order 2 to the PMD order: the mTHP sizes the admin enabled
// ("always") and the PMD size, which inherits the top-level setting. nr_anon counts the anonymous
// folios of the size, mapped or not, as the frames hold them.
void writeMthpSizes(const Host& h, const FrameTables& frames) {
  std::vector<MthpSize> sizes;
  const unsigned pmd_order = static_cast<unsigned>(std::countr_zero(h.layout.pmd_pages));
  for (unsigned order = 2; order <= pmd_order; ++order) {
    uint64_t folios = 0;
    for (Cat cat : {Cat::kAnonThpMapped, Cat::kAnonThpPartlyMapped, Cat::kAnonThpUnmapped}) {
      const auto& by_size = frames.cats()[static_cast<size_t>(cat)].compound_sizes;
      if (auto it = by_size.find(uint64_t{1} << order); it != by_size.end()) folios += it->second;
    }
    const bool pmd = order == pmd_order;
    sizes.push_back(
        {.order = order,
         .enabled = pmd ? "always [inherit] madvise never" : "[always] inherit madvise never",
         .stats = {{"nr_anon", folios},
                   {"anon_fault_alloc", folios * 3 + order},
                   {"anon_fault_fallback", pmd ? 12 : order}}});
  }
  writeMthp(h, sizes);
}

}  // namespace

void casePpc64leMthp(const Options& o) {
  HostCase c(o, ppc64Platform(), "ppc64le-mthp", 64, 2, 2);
  c.host().facts.hostname = "ppc64le-mthp";
  c.healthyProfile(0.5);
  const size_t p = c.proc({.pid = 8120,
                           .ppid = 1,
                           .comm = "model-server",
                           .argv = {"/opt/serve/bin/model-server", "--port=8000",
                                    "--rdma-device=mlx5_0", "--model=/models/granite-8b"},
                           .cgroup = kPod,
                           .uid = 1001,
                           .threads = 96});
  // Its live memory: base pages, and mTHP folios of each size that it maps (AnonPages and
  // RssAnon count them, AnonHugePages does not).
  c.procShare(p, ProcField::kAnon,
              {.name = "anon model-server",
               .cat = Cat::kAnonMapped,
               .flags = U | D | l | A | M | a | b | x,
               .vary = R,
               .count = 1,
               .acct = kAcctAnon,
               .max_run = 64},
              0.01);
  for (unsigned order : {2u, 3u, 4u}) {
    c.procShare(p, ProcField::kAnon,
                {.name = "mTHP order " + std::to_string(order) + " model-server",
                 .cat = Cat::kAnonThpMapped,
                 .order = order,
                 .flags = U | D | l | A | M | a | b | t | x,
                 .vary = R,
                 .count = 1,
                 .acct = kAcctAnon,
                 .max_run = 16},
                0.01);
  }
  // The leak: pinned, unmapped, still on the LRU and charged to the pod.
  const uint64_t cg = c.inode(kPod);
  for (const Leak& k : kLeaks) {
    c.exact({.name = "leaked mTHP order " + std::to_string(k.order),
             .cat = Cat::kAnonThpUnmapped,
             .order = k.order,
             .flags = U | D | l | A | a | b | t | x,
             .vary = R,
             .count = 0,
             .cgroup = cg,
             .max_run = 8},
            {k.folios[0] << k.order, k.folios[1] << k.order});
  }
  c.write(true, healthyEvents());
  c.slabinfo("", 0);
  writeMthpSizes(c.host(), *c.frames());
  auto& f = c.expect().findingFromCategory("unmapped-anon-thp", "warning", Cat::kAnonThpUnmapped,
                                           c.host(), *c.frames());
  f["summary"] = "9,728 anonymous large folios (mTHP, 256 KiB to 1 MiB) no process maps";
  f["thp_below_pmd"] = true;
  c.finish();
}

}  // namespace memsift::testgen
