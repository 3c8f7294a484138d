// The fleet tables' rows (see fleet_tables.h).
#include "analyzer/export/fleet_tables.h"

#include <nlohmann/json.hpp>

#include "analyzer/frames/frame_category.h"
#include "analyzer/report/finding_wording.h"
#include "common/bundle/members.h"
#include "common/parse/fields.h"

namespace memsift::fleet {
namespace {

using json = nlohmann::ordered_json;

json bytesOrNull(const std::optional<ByteCount>& b) {
  return b ? json(b->value()) : json(nullptr);
}

void append(std::string& table, const json& row) {
  table += row.dump(-1, ' ', false, json::error_handler_t::replace);
  table += '\n';
}

// Every row starts with the bundle and its host, so that any table joins on its own.
json keyed(const std::string& bundle, const report::Report& r) {
  return {{"bundle", bundle}, {"hostname", r.host.hostname}};
}

void hosts(const std::string& bundle, const analysis::BundleData& d, const report::Report& r,
           std::string& out) {
  json row = keyed(bundle, r);
  const std::string* boot = d.text(bundle::members::kBootId);
  row.update({{"kernel", r.host.kernel},
              {"arch", r.host.arch},
              {"page_size", r.host.page_size},
              {"byte_order", r.host.byte_order},
              {"mem_total_bytes", r.host.mem_total.value()},
              {"nodes", r.host.nodes},
              {"collected_at", r.host.collected_at},
              {"uptime_seconds", r.host.uptime_seconds ? json(*r.host.uptime_seconds) : json()},
              {"boot_id", boot ? json(std::string(parse::oneLineValue(*boot))) : json()},
              {"collector_version", r.host.collector_version},
              {"complete", r.collection.complete},
              {"partial", r.collection.partial},
              {"page_frames", r.frames.has_value()},
              {"findings", r.findings.size()},
              {"error", nullptr}});
  append(out, row);
}

void findings(const std::string& bundle, const report::Report& r, std::string& out) {
  for (const report::Finding& f : r.findings) {
    json row = keyed(bundle, r);
    row.update({{"id", f.id},
                {"severity", report::severityName(f.severity)},
                {"bytes", f.bytes.value()},
                {"pages", f.pages.value()},
                {"thp_count", f.thp_count ? json(*f.thp_count) : json()},
                {"thp_bytes", bytesOrNull(f.thp_bytes)},
                {"top_cgroup", f.cgroups.empty() ? json() : json(f.cgroups.front().path)},
                {"summary", report::findingWords(r, f).summary}});
    append(out, row);
  }
}

void ledger(const std::string& bundle, const report::Report& r, std::string& out) {
  for (const report::LedgerLine& l : r.ledger.lines) {
    json row = keyed(bundle, r);
    row.update(
        {{"id", l.id}, {"label", l.label}, {"bytes", static_cast<int64_t>(l.bytes.value())}});
    append(out, row);
  }
  json row = keyed(bundle, r);
  row.update(
      {{"id", "residual"}, {"label", "not accounted for"}, {"bytes", r.ledger.residual_bytes}});
  append(out, row);
}

// Per category and node (cgroup null), then per category and memory cgroup (node null).
void frameCategories(const std::string& bundle, const analysis::BundleData& d,
                     const report::Report& r, std::string& out) {
  if (!r.frames) return;
  for (const report::FrameCategoryRow& c : r.frames->categories) {
    for (const report::NodeBytes& n : c.nodes) {
      json row = keyed(bundle, r);
      row.update(
          {{"category", c.id}, {"node", n.node}, {"cgroup", nullptr}, {"bytes", n.bytes.value()}});
      append(out, row);
    }
  }
  if (!d.census) return;
  const PageSize page(d.page_size);
  for (const auto& [inode, pages] : d.census->cgroups) {
    const analysis::CgroupData* g = d.cgroupByInode(inode);
    const std::string path = g ? g->path : std::string("@").append(std::to_string(inode));
    for (size_t i = 0; i < pages.size(); ++i) {
      if (pages[i] == 0) continue;
      json row = keyed(bundle, r);
      row.update({{"category", frames::categoryId(static_cast<frames::FrameCategory>(i))},
                  {"node", nullptr},
                  {"cgroup", inode == 0 ? json() : json(path)},
                  {"bytes", page.toBytes(PageCount(pages[i])).value()}});
      append(out, row);
    }
  }
}

void cgroups(const std::string& bundle, const report::Report& r, std::string& out) {
  for (const report::CgroupRow& c : r.cgroups) {
    json row = keyed(bundle, r);
    row.update({{"path", c.path},
                {"inode", c.inode},
                {"tasks", c.tasks},
                {"usage_bytes", bytesOrNull(c.usage)},
                {"limit_bytes", bytesOrNull(c.limit)},
                {"stat_anon_bytes", bytesOrNull(c.stat_anon)},
                {"stat_file_bytes", bytesOrNull(c.stat_file)},
                {"frame_bytes", bytesOrNull(c.frame_bytes)},
                {"frame_unmapped_anon_bytes", bytesOrNull(c.frame_unmapped_anon)}});
    append(out, row);
  }
}

void processes(const std::string& bundle, const report::Report& r, std::string& out) {
  for (const report::ProcessRow& p : r.processes) {
    json row = keyed(bundle, r);
    row.update({{"pid", p.pid},
                {"comm", p.comm},
                {"cgroup", p.cgroup},
                {"rss_bytes", bytesOrNull(p.rss)},
                {"pss_bytes", bytesOrNull(p.pss)},
                {"anon_bytes", bytesOrNull(p.anon)},
                {"swap_bytes", bytesOrNull(p.swap)},
                {"anon_huge_bytes", bytesOrNull(p.anon_huge)},
                {"pinned_bytes", bytesOrNull(p.pinned)}});
    append(out, row);
  }
}

}  // namespace

std::string_view tableName(Table t) {
  static constexpr std::string_view kNames[kTableCount] = {
      "hosts", "findings", "ledger", "frame_categories", "cgroups", "processes"};
  return kNames[static_cast<size_t>(t)];
}

BundleRows bundleRows(const std::string& bundle, const analysis::BundleData& d,
                      const report::Report& r) {
  BundleRows rows;
  auto at = [&](Table t) -> std::string& { return rows[static_cast<size_t>(t)]; };
  hosts(bundle, d, r, at(Table::kHosts));
  findings(bundle, r, at(Table::kFindings));
  ledger(bundle, r, at(Table::kLedger));
  frameCategories(bundle, d, r, at(Table::kFrameCategories));
  cgroups(bundle, r, at(Table::kCgroups));
  processes(bundle, r, at(Table::kProcesses));
  return rows;
}

BundleRows unreadableRows(const std::string& bundle, const std::string& error) {
  BundleRows rows;
  json row = {{"bundle", bundle}, {"hostname", nullptr}, {"error", error}};
  append(rows[static_cast<size_t>(Table::kHosts)], row);
  return rows;
}

}  // namespace memsift::fleet
