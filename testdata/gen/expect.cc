// Builds and writes the expectations file (see expect.h).
#include "testdata/gen/expect.h"

#include <cstdio>

#include "testdata/gen/gen_util.h"

namespace memsift::testgen {

namespace {
std::string cgroupPath(const Host& h, uint64_t inode) {
  for (const Cgroup& c : h.cgroups)
    if (c.inode == inode) return c.path;
  // As memsift names them: frames not charged to any memory cgroup, and inodes no longer in
  // the tree (a removed cgroup).
  return inode == 0 ? "(not charged)" : std::string("@").append(std::to_string(inode));
}
std::string flagsHex(uint64_t f) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(f));
  return buf;
}
nlohmann::json countersJson(const Counters& c, uint64_t ps) {
  auto b = [&](uint64_t p) { return p * ps; };
  return {{"free_bytes", b(c.free)},
          {"active_anon_bytes", b(c.active_anon)},
          {"inactive_anon_bytes", b(c.inactive_anon)},
          {"active_file_bytes", b(c.active_file)},
          {"inactive_file_bytes", b(c.inactive_file)},
          {"unevictable_bytes", b(c.unevictable)},
          {"mlocked_bytes", b(c.mlocked)},
          {"anon_pages_bytes", b(c.anon)},
          {"anon_huge_pages_bytes", b(c.anon_thp)},
          {"file_pages_bytes", b(c.file)},
          {"mapped_bytes", b(c.file_mapped)},
          {"shmem_bytes", b(c.shmem)},
          {"slab_reclaimable_bytes", b(c.slab_reclaimable)},
          {"slab_unreclaimable_bytes", b(c.slab_unreclaimable)},
          {"page_tables_bytes", b(c.page_tables)},
          {"kernel_stack_bytes", b(c.kernel_stack)},
          {"hugetlb_bytes", b(c.hugetlb_total)},
          {"hugetlb_free_bytes", b(c.hugetlb_free)},
          {"vmalloc_bytes", b(c.vmalloc)},
          {"percpu_bytes", b(c.percpu)},
          {"charged_anon_bytes", b(c.charged_anon)}};
}
}  // namespace

Expectations::Expectations(std::string case_name, uint64_t seed) {
  j_["schema"] = "memsift-testgen-expect/1";
  j_["case"] = std::move(case_name);
  j_["seed"] = seed;
  j_["findings"] = nlohmann::json::array();
}

void Expectations::describe(const Host& h, const FrameTables* t) {
  const Layout& L = h.layout;
  const uint64_t ps = L.page_size;
  j_["host"] = {{"hostname", h.facts.hostname},
                {"kernel", h.facts.osrelease},
                {"arch", h.facts.arch},
                {"byte_order", h.layout.big_endian ? "big" : "little"},
                {"page_size", ps},
                {"era", eraName(h.era)},
                {"mem_total_bytes", h.memTotalPages() * ps},
                {"cgroup_version", h.cgroup_version}};
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node& n : L.nodes) {
    nlohmann::json ranges = nlohmann::json::array(), zones = nlohmann::json::array();
    for (const Range& r : n.mem)
      ranges.push_back({{"start_pfn", r.start}, {"pages", r.pages}});
    for (const Zone& z : n.zones)
      zones.push_back({{"name", z.name},
                       {"start_pfn", z.start},
                       {"spanned", z.spanned},
                       {"present", z.present},
                       {"managed", z.managed}});
    nodes.push_back({{"node", n.id}, {"ranges", ranges}, {"zones", zones}});
  }
  j_["layout"] = {{"end_pfn", L.end_pfn},
                  {"block_size_bytes", L.block_pages * ps},
                  {"section_pages", L.section_pages},
                  {"nodes", nodes}};
  j_["counters"] = countersJson(h.total, ps);
  nlohmann::json procs = nlohmann::json::array();
  const uint64_t pk = ps / 1024;
  for (const Proc& p : h.procs) {
    procs.push_back({{"pid", p.pid},
                     {"comm", p.comm},
                     {"cgroup", p.cgroup},
                     {"rss_kib", (p.anon + p.anon_thp + p.file + p.shmem) * pk},
                     {"anon_kib", (p.anon + p.anon_thp) * pk},
                     {"anon_huge_kib", p.anon_thp * pk},
                     {"file_kib", p.file * pk},
                     {"shmem_kib", p.shmem * pk},
                     {"locked_kib", p.locked * pk}});
  }
  j_["processes"] = procs;
  nlohmann::json cgs = nlohmann::json::array();
  for (const Cgroup& c : h.cgroups) {
    std::vector<int> pids = c.pids;
    cgs.push_back({{"path", c.path},
                   {"inode", c.inode},
                   {"pids", pids},
                   {"charged", countersJson(c.local, ps)}});
  }
  j_["cgroups"] = cgs;
  if (t == nullptr) {
    j_["tables"] = nullptr;
    return;
  }
  nlohmann::json cats = nlohmann::json::object();
  uint64_t sum = 0;
  for (size_t i = 0; i < kCatCount; ++i) {
    const CatStats& c = t->cats()[i];
    if (c.pages == 0) continue;
    sum += c.pages;
    nlohmann::json byNode = nlohmann::json::array();
    for (size_t n = 0; n < c.node_pages.size(); ++n)
      if (c.node_pages[n] != 0) byNode.push_back({{"node", n}, {"pages", c.node_pages[n]}});
    nlohmann::json sizes = nlohmann::json::object();
    uint64_t compounds = 0;
    for (const auto& [size, count] : c.compound_sizes) {
      sizes[std::to_string(size)] = count;
      compounds += count;
    }
    nlohmann::json ranges = nlohmann::json::array();
    for (const Range& r : c.ranges)
      ranges.push_back({{"start_pfn", r.start}, {"pages", r.pages}});
    cats[std::string(catId(static_cast<Cat>(i)))] = {{"pages", c.pages},
                                                     {"bytes", c.pages * ps},
                                                     {"nodes", byNode},
                                                     {"compounds", compounds},
                                                     {"compound_sizes", sizes},
                                                     {"unmapped_subpages", c.unmapped_subpages},
                                                     {"range_count", c.range_count},
                                                     {"ranges", ranges}};
  }
  nlohmann::json byCgroup = nlohmann::json::array();
  for (const auto& [inode, pages] : t->cgroups()) {
    nlohmann::json p = nlohmann::json::object();
    for (size_t i = 0; i < kCatCount; ++i)
      if (pages[i] != 0) p[std::string(catId(static_cast<Cat>(i)))] = pages[i];
    byCgroup.push_back({{"inode", inode}, {"path", cgroupPath(h, inode)}, {"pages", p}});
  }
  nlohmann::json hist = nlohmann::json::array();
  for (const auto& [flags, pages] : t->flagsHistogram())
    hist.push_back({{"flags", flagsHex(flags)}, {"pages", pages}});
  j_["tables"] = {
      {"frames", t->frames()},    {"files", {"kpageflags", "kpagecount", "kpagecgroup"}},
      {"categories", cats},       {"category_pages_sum", sum},
      {"page_cgroups", byCgroup}, {"flags_histogram", hist}};
}

nlohmann::json& Expectations::findingFromCategory(const std::string& id,
                                                  const std::string& severity, Cat cat,
                                                  const Host& h, const FrameTables& t) {
  const CatStats& c = t.cats()[static_cast<size_t>(cat)];
  const uint64_t ps = h.layout.page_size;
  nlohmann::json f = {{"id", id},
                      {"severity", severity},
                      {"category", std::string(catId(cat))},
                      {"pages", c.pages},
                      {"bytes", c.pages * ps}};
  if (!c.compound_sizes.empty()) {
    // Every size, largest first; thp_bytes is the most common one (on a tie, the larger).
    uint64_t n = 0, common = 0, most = 0;
    nlohmann::json sizes = nlohmann::json::array();
    for (auto it = c.compound_sizes.rbegin(); it != c.compound_sizes.rend(); ++it) {
      n += it->second;
      sizes.push_back({{"bytes", it->first * ps}, {"count", it->second}});
      if (it->second > most) {
        most = it->second;
        common = it->first * ps;
      }
    }
    f["thp_count"] = n;
    f["thp_bytes"] = common;
    f["thp_sizes"] = sizes;
  }
  nlohmann::json cgs = nlohmann::json::array();
  for (const auto& [inode, pages] : t.cgroups()) {
    const uint64_t p = pages[static_cast<size_t>(cat)];
    if (p != 0)
      cgs.push_back({{"path", cgroupPath(h, inode)}, {"inode", inode}, {"bytes", p * ps}});
  }
  f["cgroups"] = cgs;
  nlohmann::json nodes = nlohmann::json::array();
  for (size_t n = 0; n < c.node_pages.size(); ++n)
    if (c.node_pages[n] != 0) nodes.push_back({{"node", n}, {"bytes", c.node_pages[n] * ps}});
  f["nodes"] = nodes;
  nlohmann::json ranges = nlohmann::json::array();
  for (const Range& r : c.ranges)
    ranges.push_back({{"start_pfn", r.start}, {"pages", r.pages}});
  f["ranges"] = ranges;
  f["range_count"] = c.range_count;
  j_["findings"].push_back(std::move(f));
  return j_["findings"].back();
}

nlohmann::json& Expectations::finding(nlohmann::json f) {
  j_["findings"].push_back(std::move(f));
  return j_["findings"].back();
}

void Expectations::write(const fs::path& path) const {
  writeText(path, j_.dump(2) + "\n");
}

}  // namespace memsift::testgen
