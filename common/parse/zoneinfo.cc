// Parser for /proc/zoneinfo.
#include "common/parse/zoneinfo.h"

#include <cstring>

#include "common/parse/fields.h"
#include "common/parse/line_reader.h"

namespace memsift::parse {

namespace {

// Lines after `line` up to the next "Node " header (to reserve one section's counters once).
size_t linesInSection(std::string_view text, const Line& line) {
  std::string_view rest =
      text.substr(static_cast<size_t>(line.text.data() + line.text.size() - text.data()));
  size_t end = rest.find("\nNode ");
  return countLines(rest.substr(0, end == std::string_view::npos ? rest.size() : end));
}

size_t countZones(std::string_view text) {
  size_t n = text.starts_with("Node ") ? 1 : 0;
  for (size_t p = text.find("\nNode "); p != std::string_view::npos;
       p = text.find("\nNode ", p + 1))
    ++n;
  return n;
}

PageCount* watermark(Zone& z, std::string_view key) {
  if (key == "boost") return &z.boost;
  if (key == "min") return &z.min;
  if (key == "low") return &z.low;
  if (key == "high") return &z.high;
  if (key == "promo") return &z.promo;
  if (key == "spanned") return &z.spanned;
  if (key == "present") return &z.present;
  if (key == "managed") return &z.managed;
  if (key == "cma") return &z.cma;
  return nullptr;
}

enum class Section { kNone, kNodeStats, kZone, kPagesets };

}  // namespace

const Zone* Zoneinfo::find(unsigned node, std::string_view name) const {
  for (const Zone& z : zones) {
    if (z.node == node && z.name == name) return &z;
  }
  return nullptr;
}

const NodeStats* Zoneinfo::findNode(unsigned node) const {
  for (const NodeStats& n : nodes) {
    if (n.node == node) return &n;
  }
  return nullptr;
}

Zoneinfo parseZoneinfo(std::string_view text, IssueSink& issues) {
  Zoneinfo out;
  size_t zones = countZones(text);
  out.zones.reserve(zones);
  out.nodes.reserve(zones);
  Section section = Section::kNone;
  Zone* zone = nullptr;
  bool node_open = false;  // a per-node stats block was started in the current zone
  auto finishZone = [&] {
    if (zone) zone->stats.finish(issues);
    if (node_open) out.nodes.back().stats.finish(issues);
    node_open = false;
  };
  forEachLine(text, issues, [&](const Line& line) {
    std::string_view rest = line.text;
    unsigned node = 0;
    std::string_view name;
    if (takeNodeZone(rest, node, name)) {
      finishZone();
      out.zones.push_back(Zone{});
      zone = &out.zones.back();
      zone->node = node;
      zone->name = name;
      zone->line = line.number;
      zone->stats.reserve(linesInSection(text, line));
      section = Section::kNone;
      return;
    }
    std::string_view trimmed = trimBlanks(line.text);
    if (!zone) {
      issues.report(line.number, line.text, "expected 'Node N, zone NAME' first");
      return;
    }
    if (trimmed == "per-node stats") {
      if (node_open) out.nodes.back().stats.finish(issues);
      if (out.findNode(zone->node)) {
        issues.report(line.number, line.text, "second per-node stats block for this node");
      }
      out.nodes.push_back(NodeStats{zone->node, line.number, {}});
      out.nodes.back().stats.reserve(linesInSection(text, line));
      node_open = true;
      section = Section::kNodeStats;
      return;
    }
    if (trimmed == "pagesets") {
      section = Section::kPagesets;
      return;
    }
    std::string_view key, value;
    if (splitKeyColonValue(trimmed, key, value)) {
      if (key == "protection") {
        zone->protection = value;
        return;
      }
      if (key == "node_unreclaimable" || key == "start_pfn") {
        uint64_t n = 0;
        NumStatus st = parseU64(value, n);
        if (st != NumStatus::kOk) {
          issues.report(line.number, line.text,
                        "expected 'Key: number': " + std::string(numStatusText(st)));
        } else if (key == "start_pfn") {
          zone->start_pfn = Pfn(n);
        } else {
          zone->node_unreclaimable = n;
        }
        return;
      }
    }
    // Per-CPU pageset lines ("cpu: 0", "count: 717", "vm stats threshold: 4") are not used.
    if (section == Section::kPagesets && trimmed.find(':') != std::string_view::npos) return;
    std::string_view fields = trimmed;
    std::string_view k = nextField(fields);
    if (k == "pages") {  // "pages free N"
      k = nextField(fields);
      if (k != "free") k = {};
      section = Section::kZone;
    }
    std::string_view number = nextField(fields);
    uint64_t v = 0;
    NumStatus st = parseU64(number, v);
    if (k.empty() || !fields.empty() || st != NumStatus::kOk ||
        (section != Section::kZone && section != Section::kNodeStats)) {
      std::string msg = "expected 'name value'";
      if (!number.empty() && st != NumStatus::kOk) msg += ": " + std::string(numStatusText(st));
      issues.report(line.number, line.text, msg);
      return;
    }
    if (section == Section::kNodeStats) {
      out.nodes.back().stats.add(k, v, line.number);
    } else if (k == "free") {
      zone->free = PageCount(v);
    } else if (PageCount* w = watermark(*zone, k)) {
      *w = PageCount(v);
    } else {
      zone->stats.add(k, v, line.number);
    }
  });
  finishZone();
  return out;
}

}  // namespace memsift::parse
