// The helpers every finding rule shares (see context.h).
#include "analyzer/analysis/findings/context.h"

#include <algorithm>

namespace memsift::analysis::findings {

std::string Context::cgroupPath(uint64_t inode) const {
  if (inode == 0) return "(not charged)";
  if (const CgroupData* c = d.cgroupByInode(inode)) return c->path;
  // Appended, not "@" + to_string(): g++ 12 at -O3 warns falsely (-Wrestrict) on that operator+.
  std::string path = "@";
  path += std::to_string(inode);
  return path;
}

void sortByBytes(std::vector<report::CgroupBytes>& v) {
  std::sort(v.begin(), v.end(), [](const report::CgroupBytes& a, const report::CgroupBytes& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
  });
}

void placeCategories(const Context& c, Finding& f, std::initializer_list<FrameCategory> cats) {
  const frames::FrameCensus& census = *c.d.census;
  // Without kpagecgroup every frame reads inode 0, which would say "not charged".
  if (!census.anyCgroups()) {
    f.cgroup_unknown = report::UnknownBecause::kNoPageCgroupTable;
  } else {
    for (const auto& [inode, per] : census.cgroups) {
      uint64_t pages = 0;
      for (FrameCategory cat : cats)
        pages += per[static_cast<size_t>(cat)];
      if (pages) f.cgroups.push_back({c.cgroupPath(inode), inode, c.pagesToBytes(pages)});
    }
  }
  sortByBytes(f.cgroups);
  std::vector<uint64_t> nodes;
  uint64_t unknown = 0;
  for (FrameCategory cat : cats) {
    const CategoryCensus& cc = census[cat];
    if (nodes.size() < cc.node_pages.size()) nodes.resize(cc.node_pages.size());
    for (size_t n = 0; n < cc.node_pages.size(); ++n)
      nodes[n] += cc.node_pages[n];
    unknown += cc.unknown_node_pages.value();
    f.range_count += cc.range_count;
    for (const frames::PfnRun& r : cc.ranges) {
      if (f.ranges.size() < CategoryCensus::kMaxRanges) f.ranges.push_back({r.start, r.pages});
    }
  }
  std::sort(f.ranges.begin(), f.ranges.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  // Without a layout every frame is outside every known node, which would read as a hole.
  if (!c.d.layout.known()) {
    f.node_unknown = report::UnknownBecause::kNoMemoryLayout;
    return;
  }
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (nodes[n]) f.nodes.push_back({static_cast<int>(n), c.pagesToBytes(nodes[n])});
  }
  if (unknown) f.nodes.push_back({-1, c.pagesToBytes(unknown)});
}

Finding categoryFinding(const Context& c, std::string id, PageCount pages, FrameCategory cat) {
  Finding f;
  f.id = std::move(id);
  f.bytes = c.page.toBytes(pages);
  f.severity = c.severity(f.bytes.value());
  f.pages = pages;
  placeCategories(c, f, {cat});
  return f;
}

}  // namespace memsift::analysis::findings
