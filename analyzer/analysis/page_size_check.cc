// Whether the bundle's page size can be the system's (see checkPageSize() in analyze.h).
#include <bit>
#include <cmath>

#include "analyzer/analysis/analyze.h"
#include "common/bundle/members.h"
#include "common/json/json_field.h"

namespace memsift::analysis {

namespace {

// MemTotal is the memory the kernel manages: at most what the zones hold (present pages), and
// normally most of it. Not the zones' managed pages: memory whose struct pages are initialised
// late (deferred init, hot-added guest memory) is in MemTotal before it is managed (seen on a
// 6.18 guest: MemTotal 23.5 GiB, managed 4.3 GiB). A tenth above present allows for counters
// read at different moments; present pages three times MemTotal is no real host's reserve.
constexpr double kAbovePresent = 1.1;
constexpr double kBelowPresent = 3;

// The power of two nearest to `bytes` (geometrically).
uint64_t nearestPowerOfTwo(double bytes) {
  if (!(bytes >= 1)) return 1;
  return uint64_t{1} << static_cast<unsigned>(std::lround(std::log2(bytes)));
}

std::string pageSizeSource(const BundleData& d) {
  const nlohmann::json& host = jsonField(d.manifest, "host");
  if (host.is_object() && jsonField(host, "page_size_source").is_string()) {
    return jsonField(host, "page_size_source").get<std::string>();
  }
  return "";
}

}  // namespace

std::optional<PageSizeConflict> checkPageSize(const BundleData& d) {
  if (!d.meminfo) return std::nullopt;
  const auto mem_total = d.meminfo->get("MemTotal");
  if (!mem_total || mem_total->value() == 0 || d.page_size == 0) return std::nullopt;
  const uint64_t total = mem_total->value(), page = d.page_size;
  PageSizeConflict c;
  report::PageSizeFacts& t = c.facts;
  t.recorded = page;
  t.recorded_source = pageSizeSource(d);
  t.mem_total = *mem_total;

  // 1. The zones' present pages bound MemTotal from above, and not by much.
  if (d.zoneinfo) {
    uint64_t present = 0;
    for (const parse::Zone& z : d.zoneinfo->zones)
      present += z.present.value();
    const double ratio = static_cast<double>(total) / (static_cast<double>(present) * page);
    if (present > 0 && (ratio > kAbovePresent || ratio * kBelowPresent < 1)) {
      t.likely = nearestPowerOfTwo(static_cast<double>(total) / present);
      t.zones_present = present;
    }
  }
  // 2. Every frame of memory has a PFN below the tables' end: MemTotal cannot exceed the end PFN
  // x page size. Only when the tables are whole (a truncated bundle ends early).
  if (d.census && d.bundle_complete && d.collection_complete &&
      d.census->missing_frames.value() == 0) {
    const uint64_t end = d.census->end_pfn.value();
    if (end > 0 && end * page < total) {
      if (t.likely == 0) t.likely = std::bit_ceil((total + end - 1) / end);
      t.tables_end = d.census->end_pfn;
    }
  }
  if (!t.zones_present && !t.tables_end) return std::nullopt;
  c.limitation = {report::LimitationKind::kPageSizeWrong, t.recorded_source, 0, 0, ByteCount(page)};
  return c;
}

report::Finding pageSizeFinding(const PageSizeConflict& c) {
  report::Finding f;
  f.id = "page-size-mismatch";
  f.severity = report::Severity::kCritical;
  f.facts = c.facts;
  return f;
}

}  // namespace memsift::analysis
