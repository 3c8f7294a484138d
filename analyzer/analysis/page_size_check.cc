// Whether the bundle's page size can be the system's (see checkPageSize() in analyze.h).
#include <bit>
#include <cmath>

#include "analyzer/analysis/analyze.h"
#include "analyzer/model/format.h"
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
  return "source not recorded by the collector that wrote the bundle";
}

}  // namespace

std::optional<PageSizeConflict> checkPageSize(const BundleData& d) {
  if (!d.meminfo) return std::nullopt;
  const auto mem_total = d.meminfo->get("MemTotal");
  if (!mem_total || mem_total->value() == 0 || d.page_size == 0) return std::nullopt;
  const uint64_t total = mem_total->value(), page = d.page_size;
  const std::string recorded = report::formatPageSize(page) + " (" + pageSizeSource(d) + ")";
  PageSizeConflict c;

  // 1. The zones' present pages bound MemTotal from above, and not by much.
  if (d.zoneinfo) {
    uint64_t present = 0;
    for (const parse::Zone& z : d.zoneinfo->zones)
      present += z.present.value();
    const double ratio = static_cast<double>(total) / (static_cast<double>(present) * page);
    if (present > 0 && (ratio > kAbovePresent || ratio * kBelowPresent < 1)) {
      c.likely_page_size = nearestPowerOfTwo(static_cast<double>(total) / present);
      c.evidence.push_back({"the zones hold " + report::formatCount(present) +
                                " present pages, which at " + report::formatPageSize(page) +
                                " each are " + report::formatBytes(ByteCount(present * page)) +
                                ", but MemTotal is " + report::formatBytes(*mem_total) +
                                "; pages of " + report::formatPageSize(c.likely_page_size) +
                                " would fit",
                            {std::string(bundle::members::kZoneinfo), "present"}});
    }
  }
  // 2. Every frame of memory has a PFN below the tables' end: MemTotal cannot exceed the end PFN
  // x page size. Only when the tables are whole (a truncated bundle ends early).
  if (d.census && d.bundle_complete && d.collection_complete &&
      d.census->missing_frames.value() == 0) {
    const uint64_t end = d.census->end_pfn.value();
    if (end > 0 && end * page < total) {
      if (c.likely_page_size == 0) {
        c.likely_page_size = std::bit_ceil((total + end - 1) / end);
      }
      c.evidence.push_back({"the page-frame tables end at PFN " +
                                report::formatPfn(d.census->end_pfn) + ": at " +
                                report::formatPageSize(page) + " a page, they span " +
                                report::formatBytes(ByteCount(end * page)) +
                                ", less than MemTotal " + report::formatBytes(*mem_total),
                            {"pageframes", "kpageflags"}});
    }
  }
  if (c.evidence.empty()) return std::nullopt;
  c.evidence.push_back(
      {"page size recorded by the collector: " + recorded, {"manifest.json", "host.page_size"}});
  c.limitation =
      "every byte figure derived from page counts (the page-frame classification, the "
      "unmapped-memory findings, cgroup and node amounts): the bundle's page size " +
      recorded + " cannot be the system's (see the finding page-size-mismatch)";
  return c;
}

report::Finding pageSizeFinding(const PageSizeConflict& c, uint64_t page_size) {
  report::Finding f;
  f.id = "page-size-mismatch";
  f.severity = report::Severity::kCritical;
  std::string likely = report::formatPageSize(c.likely_page_size);
  f.summary = "The page size recorded in the bundle (" + report::formatPageSize(page_size) +
              ") cannot be the system's: the system's own counts say " + likely +
              ". Every figure computed from pages below is wrong by the same factor.";
  f.evidence = c.evidence;
  f.next_steps.push_back("Collect again, giving the page size: `memsift-collect --page-size " +
                         std::to_string(c.likely_page_size) +
                         "` (memsift-collect takes it from the system it reads unless told; "
                         "a --root replay needs it when the tree does not say it).");
  return f;
}

}  // namespace memsift::analysis
