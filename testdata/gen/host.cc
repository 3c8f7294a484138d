// The host model's bookkeeping (see host.h).
#include "testdata/gen/host.h"

#include <bit>
#include <stdexcept>

#include "common/kpf.h"
#include "testdata/gen/gen_util.h"
#include "testdata/gen/kernel_era.h"

namespace memsift::testgen {

using kpf::bit;

int Layout::nodeOf(uint64_t pfn) const {
  for (const Node& n : nodes)
    for (const Range& r : n.mem)
      if (pfn >= r.start && pfn < r.start + r.pages) return n.id;
  return -1;
}

Counters& Counters::operator+=(const Counters& o) {
  free += o.free;
  active_anon += o.active_anon;
  inactive_anon += o.inactive_anon;
  active_file += o.active_file;
  inactive_file += o.inactive_file;
  unevictable += o.unevictable;
  mlocked += o.mlocked;
  anon += o.anon;
  anon_thp += o.anon_thp;
  file += o.file;
  file_mapped += o.file_mapped;
  shmem += o.shmem;
  shmem_thp += o.shmem_thp;
  dirty += o.dirty;
  writeback += o.writeback;
  slab_reclaimable += o.slab_reclaimable;
  slab_unreclaimable += o.slab_unreclaimable;
  page_tables += o.page_tables;
  kernel_stack += o.kernel_stack;
  hugetlb_total += o.hugetlb_total;
  hugetlb_free += o.hugetlb_free;
  vmalloc += o.vmalloc;
  percpu += o.percpu;
  charged_anon += o.charged_anon;
  charged_anon_thp += o.charged_anon_thp;
  return *this;
}

void tally(Counters& c, uint32_t acct, uint64_t f, uint64_t pages) {
  // The LRU lists follow the page flags, as the kernel's lists do (include/linux/mm_inline.h:
  // swapbacked pages live on the anon lists, unevictable ones on their own list).
  if ((f & bit(kpf::kLru)) && !(f & bit(kpf::kSlab))) {
    const bool active = f & bit(kpf::kActive);
    if (f & bit(kpf::kUnevictable)) {
      c.unevictable += pages;
    } else if (f & bit(kpf::kSwapbacked)) {
      (active ? c.active_anon : c.inactive_anon) += pages;
    } else {
      (active ? c.active_file : c.inactive_file) += pages;
    }
  }
  if (f & bit(kpf::kMlocked)) c.mlocked += pages;
  if ((f & bit(kpf::kAnon)) && !(f & bit(kpf::kSlab))) {
    c.charged_anon += pages;
    if (f & bit(kpf::kThp)) c.charged_anon_thp += pages;
  }
  if (acct & kAcctFree) c.free += pages;
  if (acct & kAcctAnon) c.anon += pages;
  if (acct & kAcctAnonThp) c.anon_thp += pages;
  if (acct & kAcctFile) {
    c.file += pages;
    if (f & bit(kpf::kDirty) && !(acct & kAcctShmem)) c.dirty += pages;
    if (f & bit(kpf::kWriteback)) c.writeback += pages;
  }
  if (acct & kAcctMapped) c.file_mapped += pages;
  if (acct & kAcctShmem) c.shmem += pages;
  if (acct & kAcctShmemThp) c.shmem_thp += pages;
  if (acct & kAcctSlabR) c.slab_reclaimable += pages;
  if (acct & kAcctSlabU) c.slab_unreclaimable += pages;
  if (acct & kAcctPgtable) c.page_tables += pages;
  if (acct & kAcctKstack) c.kernel_stack += pages;
  if (acct & kAcctHugetlb) c.hugetlb_total += pages;
  if (acct & kAcctHugetlbFree) c.hugetlb_free += pages;
  if (acct & kAcctVmalloc) c.vmalloc += pages;
  if (acct & kAcctPercpu) c.percpu += pages;
}

fs::path Host::cgroupRoot() const {
  return cgroup_version == 1 ? root / "sys/fs/cgroup/memory" : root / "sys/fs/cgroup";
}

Cgroup& Host::addCgroup(const std::string& path) {
  for (Cgroup& c : cgroups)
    if (c.path == path) return c;
  if (path != "/") {
    // Parents first: the walk (and the kernel) needs them.
    std::string parent = path.substr(0, path.rfind('/'));
    addCgroup(parent.empty() ? "/" : parent);
  }
  Cgroup c;
  c.path = path;
  c.inode = makeDirInode(path == "/" ? cgroupRoot() : cgroupRoot() / path.substr(1));
  cgroups.push_back(std::move(c));
  return cgroups.back();
}

Cgroup& Host::cgroup(const std::string& path) {
  for (Cgroup& c : cgroups)
    if (c.path == path) return c;
  throw std::logic_error("no cgroup " + path);
}

std::pair<int, size_t> Host::zoneOf(uint64_t pfn) const {
  int node = layout.nodeOf(pfn);
  if (node < 0) return {-1, 0};
  const Node& n = layout.nodes[static_cast<size_t>(node)];
  for (size_t i = 0; i < n.zones.size(); ++i)
    if (pfn >= n.zones[i].start && pfn < n.zones[i].start + n.zones[i].spanned) return {node, i};
  return {node, 0};
}

Counters Host::nodeCounters(size_t node) const {
  Counters c;
  if (node < zone_counters.size())
    for (const Counters& z : zone_counters[node])
      c += z;
  return c;
}

void Host::charge(uint32_t acct, uint64_t flags, uint64_t pages, uint64_t pfn, uint64_t inode) {
  tally(total, acct, flags, pages);
  auto [node, zone] = zoneOf(pfn);
  if (node >= 0) {
    if (zone_counters.size() < layout.nodes.size()) zone_counters.resize(layout.nodes.size());
    auto& zc = zone_counters[static_cast<size_t>(node)];
    if (zc.size() <= zone) zc.resize(layout.nodes[static_cast<size_t>(node)].zones.size());
    tally(zc[zone], acct, flags, pages);
  }
  if (inode != 0) {
    for (Cgroup& c : cgroups)
      if (c.inode == inode) tally(c.local, acct, flags, pages);
  }
}

void Host::freeRun(uint64_t start, uint64_t pages, int node) {
  if (node < 0) return;
  const Node& n = layout.nodes[static_cast<size_t>(node)];
  if (buddy.size() < layout.nodes.size()) buddy.resize(layout.nodes.size());
  auto& zones = buddy[static_cast<size_t>(node)];
  if (zones.size() < n.zones.size()) zones.resize(n.zones.size());
  while (pages > 0) {
    size_t zi = zoneOf(start).second;
    auto& orders = zones[zi];
    orders.resize(layout.max_order, 0);
    unsigned order = layout.max_order - 1;
    if (start != 0)
      order = std::min<unsigned>(order, static_cast<unsigned>(std::countr_zero(start)));
    order = std::min<unsigned>(order, static_cast<unsigned>(std::bit_width(pages) - 1));
    ++orders[order];
    start += uint64_t{1} << order;
    pages -= uint64_t{1} << order;
  }
}

uint64_t Host::memTotalPages() const {
  uint64_t t = 0;
  for (const Node& n : layout.nodes)
    for (const Zone& z : n.zones)
      t += z.managed;
  return t;
}

void setKernelFacts(Host& h, const std::string& arch, const std::string& release, double uptime) {
  h.era = eraOfRelease(release);
  h.facts.osrelease = release;
  h.facts.arch = arch;
  h.facts.version = "Linux version " + release +
                    " (builder@build) (gcc (GCC) 14.2.1, GNU ld 2.43) #1 SMP PREEMPT_DYNAMIC";
  h.facts.uptime = uptime;
}

}  // namespace memsift::testgen
