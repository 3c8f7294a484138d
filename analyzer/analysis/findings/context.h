// What every finding rule shares: the bundle, MemTotal, the page size, the findings so far, and
// the helpers that place a page-scan category (cgroups, NUMA nodes, physical ranges).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/report.h"
#include "common/bundle/members.h"

namespace memsift::analysis::findings {

using frames::CategoryCensus;
using frames::FrameCategory;
using report::Finding;
using report::Severity;

inline const std::string kThpSysfs(bundle::members::kThpDir);

struct Context {
  const BundleData& d;
  uint64_t total;  // MemTotal in bytes (or scanned memory when meminfo is missing)
  PageSize page;
  std::vector<Finding> out;

  // Pages as the page scan counts them (plain integers in its per-category arrays), in bytes.
  ByteCount pagesToBytes(uint64_t pages) const { return page.toBytes(PageCount(pages)); }
  std::optional<ByteCount> meminfo(std::string_view key) const {
    return d.meminfo ? d.meminfo->get(key) : std::nullopt;
  }
  std::optional<uint64_t> vmstat(std::string_view key) const {
    return d.vmstat ? d.vmstat->value(key) : std::nullopt;
  }
  // Below this a finding is noise: a few pages in flight on any busy host.
  bool significant(uint64_t bytes) const {
    return bytes >= std::max<uint64_t>(4ull << 20, total / 2000);
  }
  // Critical: most of the memory is there. Warning: enough to matter on any host.
  Severity severity(uint64_t bytes) const {
    if (bytes * 2 >= total) return Severity::kCritical;
    if (bytes * 100 >= total || bytes >= (1ull << 30)) return Severity::kWarning;
    return Severity::kInfo;
  }
  // The cgroup's path, "@INODE" when the bundle does not know it, "(not charged)" for 0.
  std::string cgroupPath(uint64_t inode) const;
};

// Largest first; equal amounts by path, so that the order does not depend on inode numbers.
void sortByBytes(std::vector<report::CgroupBytes>& v);
// Where a page-scan category is: per cgroup (largest first), per node, physical ranges.
void placeCategories(const Context& c, Finding& f, std::initializer_list<FrameCategory> cats);
// A finding about `pages` frames of the page scan's `cat`: id, size, severity and where.
Finding categoryFinding(const Context& c, std::string id, PageCount pages, FrameCategory cat);

}  // namespace memsift::analysis::findings
