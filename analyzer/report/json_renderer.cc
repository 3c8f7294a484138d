// Report -> JSON, schema memsift-report/2 (docs/report-schema.md is the contract: add keys, never
// rename, remove or retype them within /2).
#include "analyzer/report/json_renderer.h"

#include <algorithm>

#include "analyzer/report/finding_wording.h"
#include "analyzer/report/json_growth.h"
#include "analyzer/report/wording.h"

namespace memsift::report {
namespace {

using json = nlohmann::ordered_json;

// The issue caps ranges at 100 per finding; the model promises it, the renderer enforces it so
// a consumer can rely on the bound whatever the analysis did.
constexpr size_t kMaxRanges = 100;

json optionalBytes(const std::optional<ByteCount>& b) {
  return b ? json(b->value()) : json(nullptr);
}

json sourceJson(const Source& s) {
  return {{"member", s.member}, {"field", s.field}};
}

json nodesJson(const std::vector<NodeBytes>& nodes) {
  json a = json::array();
  for (const NodeBytes& n : nodes)
    a.push_back({{"node", n.node}, {"bytes", n.bytes.value()}});
  return a;
}

json hostJson(const Host& h) {
  return {
      {"hostname", h.hostname},
      {"kernel", h.kernel},
      {"arch", h.arch},
      {"page_size", h.page_size},
      {"byte_order", h.byte_order},
      {"mem_total_bytes", h.mem_total.value()},
      {"uptime_seconds", h.uptime_seconds ? json(*h.uptime_seconds) : json(nullptr)},
      {"collected_at", h.collected_at},
      {"collector_version", h.collector_version},
      {"nodes", h.nodes},
      {"thp", h.thp.empty() ? json(nullptr) : json(h.thp)},
  };
}

json collectionJson(const Collection& c) {
  json damage = json::array();
  for (const bundle::Damage& d : c.damage) {
    damage.push_back({{"member", d.member},
                      {"offset", d.offset},
                      {"kind", bundle::damageKindName(d.kind)},
                      {"text", d.text}});
  }
  json missing = json::array();
  for (const MissingSource& m : c.missing)
    missing.push_back({{"path", m.path}, {"status", m.status}, {"detail", m.detail}});
  json limitations = json::array();
  for (const Limitation& l : c.limitations)
    limitations.push_back(limitationText(l));
  return {
      {"complete", c.complete},        {"partial", c.partial},
      {"missing", std::move(missing)}, {"vanished_processes", c.vanished_processes},
      {"damage", std::move(damage)},   {"parse_issues", c.parse_issues},
      {"limitations", limitations},
  };
}

json ledgerJson(const Ledger& l) {
  json lines = json::array();
  for (const LedgerLine& line : l.lines) {
    lines.push_back({{"id", line.id},
                     {"label", line.label},
                     {"bytes", line.bytes.value()},
                     {"source", sourceJson(line.source)}});
  }
  return {
      {"mem_total_bytes", l.mem_total.value()},
      {"source", sourceJson(l.mem_total_source)},
      {"lines", std::move(lines)},
      {"residual_bytes", l.residual_bytes},
      {"untrusted", l.untrusted},
  };
}

json anonJson(const AnonReconciliation& a) {
  json sources = json::array();
  for (const Source& s : a.sources)
    sources.push_back(sourceJson(s));
  return {
      {"lru_anon_bytes", a.lru_anon.value()},
      {"active_anon_bytes", a.active_anon.value()},
      {"inactive_anon_bytes", a.inactive_anon.value()},
      {"anon_pages_bytes", a.anon_pages.value()},
      {"shmem_bytes", a.shmem.value()},
      {"process_rss_anon_bytes", optionalBytes(a.process_rss_anon)},
      {"process_pss_anon_bytes", optionalBytes(a.process_pss_anon)},
      {"processes", a.processes},
      {"frames_lru_anon_bytes", optionalBytes(a.frames_lru_anon)},
      {"frames_anon_unmapped_bytes", optionalBytes(a.frames_anon_unmapped)},
      {"unexplained_bytes", a.unexplained.value()},
      {"unexplained_share", a.unexplained_share},
      {"difference_bytes", a.difference_bytes},
      {"unevictable_bytes", optionalBytes(a.unevictable)},
      {"frames_lost", a.frames_lost ? json(a.frames_lost->value()) : json(nullptr)},
      {"drift_bytes", optionalBytes(a.drift)},
      {"sources", std::move(sources)},
  };
}

json freeJson(const FreeReconciliation& f) {
  json zones = json::array();
  auto pages = [](const std::optional<PageCount>& p) {
    return p ? json(p->value()) : json(nullptr);
  };
  for (const ZoneFree& z : f.zones) {
    zones.push_back({{"node", z.node},
                     {"zone", z.zone},
                     {"present_pages", z.present.value()},
                     {"managed_pages", z.managed.value()},
                     {"free_pages", z.free.value()},
                     {"frames_free_pages", pages(z.frames_free)},
                     {"frames_unflagged_pages", pages(z.frames_unflagged)}});
  }
  json sources = json::array();
  for (const Source& s : f.sources)
    sources.push_back(sourceJson(s));
  return {
      {"mem_free_bytes", f.mem_free.value()},
      {"mem_total_bytes", f.mem_total.value()},
      {"zones_free_bytes", f.zones_free.value()},
      {"zones_managed_bytes", f.zones_managed.value()},
      {"zones_present_bytes", f.zones_present.value()},
      {"frames_free_bytes", optionalBytes(f.frames_free)},
      {"frames_unflagged_bytes", optionalBytes(f.frames_unflagged)},
      {"free_beyond_zones_bytes", f.free_beyond_zones},
      {"total_beyond_managed_bytes", f.total_beyond_managed},
      {"zones", std::move(zones)},
      {"explanation", freeExplanation(f)},
      {"sources", std::move(sources)},
  };
}

json pinHolderJson(const PinHolder& h);

// Who may hold an unmapped-anon(-thp) finding's pages; "holders" are a pins holder each.
json suspectsJson(const PinSuspects& p) {
  json holders = json::array();
  for (const PinHolder& h : p.holders)
    holders.push_back(pinHolderJson(h));
  return {
      {"descriptor_census", p.census},
      {"processes_in_cgroups", p.processes_in_cgroups},
      {"pipes_in_cgroups", p.pipes_in_cgroups},
      {"holders", std::move(holders)},
      {"holders_in_cgroups", p.in_cgroups},
      {"holder_count", std::max<uint64_t>(p.holder_count, p.holders.size())},
  };
}

json findingJson(const Report& r, const Finding& f) {
  json cgroups = json::array();
  for (const CgroupBytes& c : f.cgroups)
    cgroups.push_back({{"path", c.path}, {"inode", c.inode}, {"bytes", c.bytes.value()}});
  json ranges = json::array();
  for (size_t i = 0; i < std::min(f.ranges.size(), kMaxRanges); ++i)
    ranges.push_back(
        {{"start_pfn", f.ranges[i].start.value()}, {"pages", f.ranges[i].pages.value()}});
  // The same words as the human formats, made from the finding's facts.
  const FindingWords words = findingWords(r, f);
  json evidence = json::array();
  for (const Evidence& e : words.evidence)
    evidence.push_back({{"text", e.text}, {"source", sourceJson(e.source)}});

  json j = {
      {"id", f.id},
      {"severity", std::string(severityName(f.severity))},
      {"summary", words.summary},
      {"bytes", f.bytes.value()},
      {"pages", f.pages.value()},
  };
  if (f.thp_count) j["thp_count"] = *f.thp_count;
  if (f.thp_bytes) j["thp_bytes"] = f.thp_bytes->value();
  if (!f.thp_sizes.empty()) {
    json sizes = json::array();
    for (const ThpSize& z : f.thp_sizes)
      sizes.push_back({{"bytes", z.bytes.value()}, {"count", z.count}});
    j["thp_sizes"] = std::move(sizes);
    j["thp_below_pmd"] = f.thp_below_pmd;
  }
  j["cgroups"] = std::move(cgroups);
  j["nodes"] = nodesJson(f.nodes);
  if (f.cgroup_unknown) j["cgroup_unknown"] = unknownCode(*f.cgroup_unknown);
  if (f.node_unknown) j["node_unknown"] = unknownCode(*f.node_unknown);
  j["ranges"] = std::move(ranges);
  j["range_count"] = std::max<uint64_t>(f.range_count, f.ranges.size());
  if (const PinSuspects* p = findingSuspects(f.facts)) j["suspects"] = suspectsJson(*p);
  j["evidence"] = std::move(evidence);
  j["next_steps"] = words.next_steps;
  return j;
}

json processJson(const ProcessRow& p) {
  return {
      {"pid", p.pid},
      {"comm", p.comm},
      {"cmdline", p.cmdline},
      {"cgroup", p.cgroup},
      {"rss_bytes", optionalBytes(p.rss)},
      {"pss_bytes", optionalBytes(p.pss)},
      {"uss_bytes", optionalBytes(p.uss)},
      {"anon_bytes", optionalBytes(p.anon)},
      {"file_bytes", optionalBytes(p.file)},
      {"shmem_bytes", optionalBytes(p.shmem)},
      {"swap_bytes", optionalBytes(p.swap)},
      {"anon_huge_bytes", optionalBytes(p.anon_huge)},
      {"pinned_bytes", optionalBytes(p.pinned)},
      {"locked_bytes", optionalBytes(p.locked)},
  };
}

json pinHolderJson(const PinHolder& h) {
  return {
      {"pid", h.pid},
      {"comm", h.comm},
      {"cgroup", h.cgroup},
      {"pinned_bytes", optionalBytes(h.pinned)},
      {"locked_bytes", optionalBytes(h.locked)},
      {"io_uring_buffer_bytes", h.ring_bytes.value()},
      {"io_uring_buffers", h.ring_buffers},
      {"io_uring_unmapped_bytes", optionalBytes(h.ring_unmapped)},
      {"io_uring_fds", h.io_uring},
      {"vfio_fds", h.vfio},
      {"rdma_fds", h.rdma},
      {"pipes", h.pipes},
  };
}

json pinsJson(const PinEvidence& e) {
  json holders = json::array();
  for (const PinHolder& h : e.holders)
    holders.push_back(pinHolderJson(h));
  return {
      {"foll_pins_outstanding", e.foll_pins ? json(*e.foll_pins) : json(nullptr)},
      {"descriptor_census", e.census},
      {"processes_censused", e.processes},
      {"censuses_incomplete", e.incomplete},
      {"holders", std::move(holders)},
      {"holder_count", std::max<uint64_t>(e.holder_count, e.holders.size())},
  };
}

json cgroupJson(const CgroupRow& c) {
  return {
      {"path", c.path},
      {"inode", c.inode},
      {"tasks", c.tasks},
      {"usage_bytes", optionalBytes(c.usage)},
      {"limit_bytes", optionalBytes(c.limit)},
      {"stat_anon_bytes", optionalBytes(c.stat_anon)},
      {"stat_file_bytes", optionalBytes(c.stat_file)},
      {"frame_bytes", optionalBytes(c.frame_bytes)},
      {"frame_unmapped_anon_bytes", optionalBytes(c.frame_unmapped_anon)},
      {"subtree_frame_bytes", optionalBytes(c.subtree_frame_bytes)},
      {"subtree_frame_unmapped_anon_bytes", optionalBytes(c.subtree_frame_unmapped_anon)},
  };
}

json framesJson(const FrameSummary& f) {
  json categories = json::array();
  for (const FrameCategoryRow& c : f.categories) {
    categories.push_back({{"id", c.id},
                          {"label", c.label},
                          {"pages", c.pages.value()},
                          {"bytes", c.bytes.value()},
                          {"nodes", nodesJson(c.nodes)}});
  }
  json j = {
      {"frames", f.frames.value()},
      {"missing_frames", f.missing_frames.value()},
      {"categories", std::move(categories)},
  };
  if (f.node_unknown) j["node_unknown"] = unknownCode(*f.node_unknown);
  return j;
}

json mapJson(const std::vector<MapCell>& cells) {
  json a = json::array();
  for (const MapCell& c : cells) {
    json mix = json::array();
    for (const auto& [category, pages] : c.mix)
      mix.push_back({{"category", category}, {"pages", pages}});
    a.push_back({{"start_pfn", c.start.value()},
                 {"pages", c.pages.value()},
                 {"node", c.node},
                 {"category", c.category},
                 {"mix", std::move(mix)}});
  }
  return a;
}

}  // namespace

json reportToJson(const Report& r) {
  json j = {
      {"schema", r.schema},
      {"host", hostJson(r.host)},
      {"collection", collectionJson(r.collection)},
      {"ledger", ledgerJson(r.ledger)},
      {"anon", anonJson(r.anon)},
  };
  if (r.free_memory) j["free_memory"] = freeJson(*r.free_memory);
  json findings = json::array();
  for (const Finding& f : r.findings)
    findings.push_back(findingJson(r, f));
  j["findings"] = std::move(findings);
  json processes = json::array();
  for (const ProcessRow& p : r.processes)
    processes.push_back(processJson(p));
  j["processes"] = std::move(processes);
  j["process_count"] = std::max<uint64_t>(r.process_count, r.processes.size());
  json cgroups = json::array();
  for (const CgroupRow& c : r.cgroups)
    cgroups.push_back(cgroupJson(c));
  j["cgroups"] = std::move(cgroups);
  j["cgroup_count"] = std::max<uint64_t>(r.cgroup_count, r.cgroups.size());
  if (r.frames) j["frames"] = framesJson(*r.frames);
  if (!r.memory_map.empty()) j["memory_map"] = mapJson(r.memory_map);
  j["pins"] = pinsJson(r.pins);
  if (r.growth) j["growth"] = growthJson(*r.growth);
  return j;
}

void renderJson(const Report& report, std::string& out) {
  // Process names and cmdlines are arbitrary bytes; replacing invalid UTF-8 keeps the document
  // valid JSON instead of throwing halfway through a report.
  out += reportToJson(report).dump(2, ' ', false, json::error_handler_t::replace);
  out += '\n';
}

}  // namespace memsift::report
