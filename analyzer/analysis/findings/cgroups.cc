// Findings about memory cgroups: charges that outlived the tasks that made them. The findings
// carry figures; report/finding_wording_events.cc says them.
#include "analyzer/analysis/findings/rules.h"

#include <algorithm>

namespace memsift::analysis::findings {

// Pages whose charge outlived the tasks that made it. With the page scan: frames charged
// directly to a cgroup without tasks of its own (v2 forbids tasks in inner cgroups, so there they
// can only come from removed descendants: kpagecgroup reports a removed cgroup's nearest live
// ancestor, mm/memcontrol.c) or to an inode no longer in the tree. Without it: cgroups whose whole
// subtree has no task but whose usage is large.
void zombieCgroups(Context& c) {
  bool scan = c.d.census && c.d.census->anyCgroups();
  // What counts against a cgroup without tasks, and how much of it is page cache: clean page
  // cache of a finished workload is what every systemd host carries and reclaim frees at the
  // first pressure, so it alone never makes this more than info.
  struct Charged {
    uint64_t pages = 0;
    uint64_t page_cache = 0;
  };
  auto chargedFrames = [&](const frames::CategoryPages& per) {
    Charged ch;
    for (size_t k = 0; k < per.size(); ++k) {
      auto cat = static_cast<FrameCategory>(k);
      // Unmapped anonymous memory is a finding of its own wherever it is charged.
      if (cat == FrameCategory::kAnonUnmapped || cat == FrameCategory::kAnonThpUnmapped ||
          cat == FrameCategory::kAnonThpPartlyMapped || cat == FrameCategory::kFree) {
        continue;
      }
      ch.pages += per[k];
      if (cat == FrameCategory::kFileMapped || cat == FrameCategory::kFileUnmapped) {
        ch.page_cache += per[k];
      }
    }
    return ch;
  };
  std::vector<report::CgroupBytes> where;
  uint64_t bytes = 0;
  std::optional<uint64_t> page_cache_bytes;  // known from the page scan only
  if (scan) {
    page_cache_bytes = 0;
    for (const auto& [inode, per] : c.d.census->cgroups) {
      if (inode == 0) continue;
      const CgroupData* g = c.d.cgroupByInode(inode);
      if (g && (g->path == "/" || !g->tasks || *g->tasks > 0)) continue;
      Charged ch = chargedFrames(per);
      if (ch.pages == 0) continue;
      where.push_back({g ? g->path : "@" + std::to_string(inode), inode, c.pagesToBytes(ch.pages)});
      bytes += c.pagesToBytes(ch.pages).value();
      *page_cache_bytes += c.pagesToBytes(ch.page_cache).value();
    }
  } else {
    for (const CgroupData& g : c.d.cgroups) {
      if (!g.tasks || !g.usage || g.path == "/" || c.d.cgroupByInode(g.inode) != &g) continue;
      uint64_t subtree_tasks = 0;
      for (const CgroupData& h : c.d.cgroups) {
        if (h.hierarchy == g.hierarchy && (h.path == g.path || h.path.starts_with(g.path + "/"))) {
          subtree_tasks += h.tasks.value_or(0);
        }
      }
      bool inside = false;  // nested empty cgroups: the outermost speaks for them
      for (const auto& w : where)
        inside |= g.path.starts_with(w.path + "/");
      if (subtree_tasks > 0 || inside) continue;
      where.push_back({g.path, g.inode, *g.usage});
      bytes += g.usage->value();
    }
  }
  if (bytes * 100 < c.total || !c.significant(bytes)) return;
  sortByBytes(where);
  Finding f;
  f.id = "zombie-memcg";
  f.bytes = ByteCount(bytes);
  f.pages = c.page.toPages(f.bytes);
  f.cgroups = where;
  report::ZombieFacts facts;
  facts.page_scan = scan;
  if (page_cache_bytes) {
    facts.page_cache = ByteCount(*page_cache_bytes);
    uint64_t pinned = bytes - *page_cache_bytes;
    f.severity = c.significant(pinned) ? c.severity(pinned) : Severity::kInfo;
  } else {
    f.severity = c.severity(bytes);
  }
  for (const auto& w : where) {
    const CgroupData* g = c.d.cgroupByInode(w.inode);
    facts.cgroups.push_back({g != nullptr, g ? g->member : std::string()});
  }
  f.facts = std::move(facts);
  c.out.push_back(std::move(f));
}

}  // namespace memsift::analysis::findings
