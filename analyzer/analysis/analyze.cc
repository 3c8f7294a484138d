// Builds the report model from a loaded bundle: host and collection facts, the ledger and the
// anonymous reconciliation, the page-frame summary and map, the tables and the findings.
#include "analyzer/analysis/analyze.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

#include "analyzer/analysis/growth.h"
#include "analyzer/analysis/pin_evidence.h"
#include "common/bundle/members.h"
#include "common/json/json_field.h"

namespace memsift::analysis {

namespace {

using frames::FrameCategory;

std::string jsonString(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// hugepage_init() (mm/huge_memory.c) creates sys/kernel/mm/transparent_hugepage only where the
// hardware has PMD-sized pages (has_transparent_hugepage()): its absence means no THP at all.
std::string thpAvailability(const BundleData& d) {
  using bundle::members::kThpDir;
  if (d.text(bundle::members::kThpEnabled)) return "present";
  const nlohmann::json& sources = jsonField(d.index, "sources");
  if (!sources.is_array()) return "";
  for (const nlohmann::json& s : sources) {
    if (jsonString(s, "path") == kThpDir)
      return jsonString(s, "status") == "absent" ? "absent" : "";
  }
  return "";
}

report::Host buildHost(const BundleData& d) {
  report::Host h;
  const nlohmann::json& host = jsonField(d.manifest, "host");
  h.hostname = jsonString(host, "hostname");
  h.kernel = jsonString(host, "kernel_release");
  h.arch = jsonString(host, "arch");
  // The manifest says "little" or "big"; the report's contract spells it out.
  h.byte_order = jsonString(host, "byte_order");
  if (h.byte_order == "little" || h.byte_order == "big") h.byte_order += "-endian";
  h.collected_at = jsonString(host, "start_time_utc");
  h.page_size = d.page_size;
  if (host.is_object() && host.contains("uptime_seconds") &&
      jsonField(host, "uptime_seconds").is_number()) {
    h.uptime_seconds = jsonField(host, "uptime_seconds").get<double>();
  }
  if (jsonField(d.manifest, "tool").is_object())
    h.collector_version = jsonString(jsonField(d.manifest, "tool"), "version");
  if (d.meminfo) h.mem_total = d.meminfo->get("MemTotal").value_or(ByteCount());
  h.nodes = d.layout.known() ? d.layout.nodeCount() : 0;
  h.thp = thpAvailability(d);
  return h;
}

report::Collection buildCollection(const BundleData& d) {
  report::Collection c;
  c.complete = d.bundle_complete && d.collection_complete && d.damage.empty();
  c.damage = d.damage;
  for (const parse::ParseIssue& i : d.issues)
    c.parse_issues.push_back(i.format());
  if (d.index.is_object() && jsonField(d.index, "sources").is_array()) {
    for (const nlohmann::json& s : jsonField(d.index, "sources")) {
      std::string status = jsonString(s, "status");
      // A process that exits mid-collection is normal life on a host, not missing evidence.
      if (status == "vanished") {
        ++c.vanished_processes;
        continue;
      }
      c.missing.push_back({jsonString(s, "path"), status, jsonString(s, "detail")});
    }
  }
  // In path order: the collector's order follows the directory order of the host's file system.
  std::sort(c.missing.begin(), c.missing.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  using report::LimitationKind;
  auto limit = [&](LimitationKind kind) -> report::Limitation& {
    return c.limitations.emplace_back(report::Limitation{kind, {}, 0, 0, {}});
  };
  if (!d.bundle_complete) {
    limit(d.resumes > 0 ? LimitationKind::kBundleDamaged : LimitationKind::kBundleIncomplete)
        .detail = d.damage.empty() ? std::string("no index.json") : d.damage.front().text;
  } else if (!d.collection_complete) {
    limit(LimitationKind::kCollectorStopped);
  }
  if (!d.meminfo) limit(LimitationKind::kNoMeminfo);
  if (d.byte_order_suspect) {
    const frames::ByteOrderSuspect& s = *d.byte_order_suspect;
    c.limitations.insert(
        c.limitations.begin(),
        {LimitationKind::kByteOrderSuspect, jsonString(jsonField(d.manifest, "host"), "byte_order"),
         s.undefined_frames, s.flagged_frames, ByteCount()});
  } else if (!d.has_page_tables) {
    limit(LimitationKind::kNoPageTables);
  } else if (d.census) {
    const frames::FrameCensus& fc = *d.census;
    if (!fc.anyCounts()) {
      limit(LimitationKind::kNoPageCounts);
    } else if (fc.frames_without_counts.value() > 0) {
      limit(LimitationKind::kPageCountsLost).frames = fc.frames_without_counts.value();
    }
    if (!fc.anyCgroups()) {
      limit(LimitationKind::kNoPageCgroups);
    } else if (fc.frames_without_cgroups.value() > 0) {
      limit(LimitationKind::kPageCgroupsLost).frames = fc.frames_without_cgroups.value();
    }
    // Frames lost to damage or truncation make every page-scan figure a lower bound; the
    // findings that compare counters with the scan allow for them (findings/anon_memory.cc).
    if (std::optional<PageCount> lost = framesLost(d); !lost) {
      limit(LimitationKind::kFramesLostUnknown);
    } else if (lost->value() > 0) {
      report::Limitation& l = limit(LimitationKind::kFramesLost);
      l.frames = lost->value();
      l.bytes = PageSize(d.page_size).toBytes(*lost);
    }
    if (!d.layout.known()) limit(LimitationKind::kNoMemoryLayout);
  }
  bool any_rollup = std::any_of(d.processes.begin(), d.processes.end(),
                                [](const ProcessData& p) { return p.has_rollup || p.has_smaps; });
  if (d.processes.empty()) {
    limit(LimitationKind::kNoProcesses);
  } else if (!any_rollup) {
    limit(LimitationKind::kNoSmaps);
  }
  c.partial = !c.complete || !c.limitations.empty();
  return c;
}

std::vector<report::NodeBytes> nodeBytes(const frames::CategoryCensus& cat, PageSize page) {
  std::vector<report::NodeBytes> out;
  for (size_t n = 0; n < cat.node_pages.size(); ++n) {
    if (cat.node_pages[n])
      out.push_back({static_cast<int>(n), page.toBytes(PageCount(cat.node_pages[n]))});
  }
  if (cat.unknown_node_pages.value()) {
    out.push_back({-1, page.toBytes(cat.unknown_node_pages)});
  }
  return out;
}

report::FrameSummary buildFrameSummary(const BundleData& d) {
  report::FrameSummary s;
  const frames::FrameCensus& c = *d.census;
  s.frames = c.frames;
  // Gaps between chunks, and at the end of a cut bundle the frames the layout expected.
  s.missing_frames = framesLost(d).value_or(c.missing_frames);
  // Without a layout every frame would read "outside every node".
  if (!d.layout.known()) s.node_unknown = report::UnknownBecause::kNoMemoryLayout;
  for (size_t i = 0; i < frames::kFrameCategoryCount; ++i) {
    const frames::CategoryCensus& cat = c.categories[i];
    if (cat.pages.value() == 0) continue;
    auto id = static_cast<FrameCategory>(i);
    s.categories.push_back({std::string(frames::categoryId(id)),
                            std::string(frames::categoryLabel(id)), cat.pages,
                            PageSize(d.page_size).toBytes(cat.pages),
                            s.node_unknown ? std::vector<report::NodeBytes>()
                                           : nodeBytes(cat, PageSize(d.page_size))});
  }
  return s;
}

// Merges the census' fine cells into at most `max_cells` cells of equal span.
std::vector<report::MapCell> buildMap(const BundleData& d, size_t max_cells) {
  std::vector<report::MapCell> out;
  const auto& cells = d.census->map_cells;
  if (cells.empty() || max_cells == 0) return out;
  size_t group = (cells.size() + max_cells - 1) / max_cells;
  frames::PfnLayout::Cursor cursor(d.layout);
  for (size_t i = 0; i < cells.size(); i += group) {
    frames::CategoryPages sum{};
    size_t end = std::min(cells.size(), i + group);
    for (size_t j = i; j < end; ++j) {
      for (size_t k = 0; k < sum.size(); ++k)
        sum[k] += cells[j][k];
    }
    report::MapCell cell;
    cell.start = Pfn(i * frames::FrameCensus::kMapCellFrames);
    cell.pages = PageCount((end - i) * frames::FrameCensus::kMapCellFrames);
    cell.node = cursor.nodeOf(cell.start);
    for (size_t k = 0; k < sum.size(); ++k) {
      if (sum[k])
        cell.mix.emplace_back(std::string(frames::categoryId(static_cast<FrameCategory>(k))),
                              sum[k]);
    }
    std::stable_sort(cell.mix.begin(), cell.mix.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    cell.category = cell.mix.empty() ? "hole" : cell.mix.front().first;
    out.push_back(std::move(cell));
  }
  return out;
}

std::vector<report::ProcessRow> buildProcesses(const BundleData& d, size_t top) {
  std::vector<report::ProcessRow> rows;
  for (const ProcessData& p : d.processes) {
    if (p.kernel_thread) continue;
    report::ProcessRow r;
    r.pid = p.pid;
    r.comm = p.comm;
    r.cmdline = p.cmdline;
    r.cgroup = p.cgroup_path;
    const bool smaps = p.has_rollup || p.has_smaps;
    if (smaps) {
      r.rss = p.rss;
      r.pss = p.pss;
      r.uss = p.private_clean + p.private_dirty;
      r.anon_huge = p.anon_huge;
    } else if (p.has_status) {
      r.rss = p.vm_rss;
    }
    if (p.has_status) {
      r.anon = p.rss_anon;
      r.file = p.rss_file;
      r.shmem = p.rss_shmem;
      r.swap = p.vm_swap;
      r.pinned = p.vm_pin;
      r.locked = p.vm_lck;
    }
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    ByteCount ra = a.rss.value_or(ByteCount()), rb = b.rss.value_or(ByteCount());
    return ra != rb ? ra > rb : a.pid < b.pid;
  });
  if (rows.size() > top) rows.resize(top);
  return rows;
}

// Each row's frames plus those of the rows below it: walks every row's ancestors once.
void addSubtreeFrames(std::vector<report::CgroupRow>& rows) {
  std::unordered_map<std::string_view, size_t> by_path;
  for (size_t i = 0; i < rows.size(); ++i) {
    by_path.emplace(rows[i].path, i);
    if (rows[i].frame_bytes) {
      rows[i].subtree_frame_bytes = ByteCount();
      rows[i].subtree_frame_unmapped_anon = ByteCount();
    }
  }
  for (const report::CgroupRow& r : rows) {
    if (!r.frame_bytes) continue;
    std::string_view path = r.path;
    while (true) {
      if (auto it = by_path.find(path); it != by_path.end()) {
        report::CgroupRow& up = rows[it->second];
        *up.subtree_frame_bytes += *r.frame_bytes;
        *up.subtree_frame_unmapped_anon += r.frame_unmapped_anon.value_or(ByteCount());
      }
      if (path == "/" || path.empty()) break;
      size_t slash = path.rfind('/');
      path = slash == 0 || slash == std::string_view::npos ? "/" : path.substr(0, slash);
    }
  }
}

std::vector<report::CgroupRow> buildCgroups(const BundleData& d, size_t top, uint64_t& count) {
  std::vector<report::CgroupRow> rows;
  for (const CgroupData& g : d.cgroups) {
    if (d.page_cgroup_hierarchy >= 0 && g.hierarchy != d.page_cgroup_hierarchy) continue;
    report::CgroupRow r;
    r.path = g.path;
    r.inode = g.inode;
    r.tasks = g.tasks.value_or(0);
    r.usage = g.usage;
    r.limit = g.limit;
    r.stat_anon = g.stat_anon;
    r.stat_file = g.stat_file;
    // Inode 0 is "unknown" in cgroups.tsv and "not charged" in kpagecgroup: no frames to show.
    if (d.census && d.census->anyCgroups() && g.inode != 0) {
      auto it = d.census->cgroups.find(g.inode);
      uint64_t pages = 0, unmapped = 0;
      if (it != d.census->cgroups.end()) {
        for (uint64_t v : it->second)
          pages += v;
        unmapped = it->second[static_cast<size_t>(FrameCategory::kAnonUnmapped)] +
                   it->second[static_cast<size_t>(FrameCategory::kAnonThpUnmapped)];
      }
      r.frame_bytes = PageSize(d.page_size).toBytes(PageCount(pages));
      r.frame_unmapped_anon = PageSize(d.page_size).toBytes(PageCount(unmapped));
    }
    rows.push_back(std::move(r));
  }
  count = rows.size();
  addSubtreeFrames(rows);
  // What the usage column counts: the cgroup and its descendants. With the page scan, the frames
  // charged to the subtree, else the kernel's (hierarchical) usage.
  auto key = [](const report::CgroupRow& r) {
    return r.subtree_frame_bytes ? r.subtree_frame_bytes->value()
                                 : r.usage.value_or(ByteCount()).value();
  };
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return key(a) != key(b) ? key(a) > key(b) : a.path < b.path;
  });
  if (rows.size() > top) rows.resize(top);
  return rows;
}

}  // namespace

report::Report analyze(const BundleData& d, const AnalyzeOptions& options) {
  report::Report r;
  r.host = buildHost(d);
  r.collection = buildCollection(d);
  r.ledger = buildLedger(d);
  r.anon = reconcileAnon(d);
  r.free_memory = reconcileFree(d);
  if (d.census) {
    r.frames = buildFrameSummary(d);
    r.memory_map = buildMap(d, std::min(options.map_cells, report::kMaxMapCells));
  }
  r.process_count = static_cast<uint64_t>(std::count_if(
      d.processes.begin(), d.processes.end(), [](const auto& p) { return !p.kernel_thread; }));
  r.table_rows = options.top;
  r.processes = buildProcesses(d, options.top);
  r.cgroups = buildCgroups(d, options.top, r.cgroup_count);
  r.pins = buildPinEvidence(d, options.top);
  r.growth = buildGrowth(d);  // before the findings: the growing-* rules read it
  r.findings = findFindings(d, r);
  // Counters that cannot be true make the ledger's shares and residual meaningless.
  r.ledger.untrusted = std::any_of(r.findings.begin(), r.findings.end(), [](const auto& f) {
    return std::holds_alternative<report::CountersImpossibleFacts>(f.facts);
  });
  // Before everything: when the page size is wrong, so is every finding sized in pages.
  if (auto conflict = checkPageSize(d)) {
    r.collection.limitations.insert(r.collection.limitations.begin(), conflict->limitation);
    r.collection.partial = true;
    r.findings.insert(r.findings.begin(), pageSizeFinding(*conflict));
  }
  return r;
}

}  // namespace memsift::analysis
