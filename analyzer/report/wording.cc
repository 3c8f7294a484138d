// The report's sentences (see wording.h).
#include "analyzer/report/wording.h"

#include "common/bundle/derived_tables.h"
#include "common/bundle/members.h"

namespace memsift::report {

std::string hostSentence(const Host& h, Escape escape, std::string_view em_open,
                         std::string_view em_close) {
  std::string s = "Linux " + escape(h.kernel.empty() ? "(kernel unknown)" : h.kernel) + " on " +
                  escape(h.arch.empty() ? "(architecture unknown)" : h.arch);
  if (h.byte_order == "little" || h.byte_order == "big") {
    s += " (" + h.byte_order + "-endian)";
  } else if (h.byte_order == "little-endian" || h.byte_order == "big-endian") {
    s += " (" + h.byte_order + ")";
  } else if (!h.byte_order.empty()) {
    s += " (" + escape(h.byte_order) + ")";
  }
  s += ", " + formatPageSize(h.page_size) + " pages, MemTotal ";
  s += em_open;
  s += formatBytes(h.mem_total);
  s += em_close;
  if (h.nodes > 0)
    s += ", " + std::to_string(h.nodes) + (h.nodes == 1 ? " NUMA node" : " NUMA nodes");
  if (h.thp == "absent") s += ", no transparent huge pages (the kernel offers none)";
  s += ". Collected " + (h.collected_at.empty() ? "at an unknown time" : escape(h.collected_at));
  if (!h.collector_version.empty()) s += " by memsift-collect " + escape(h.collector_version);
  if (h.uptime_seconds) s += ", uptime " + formatDuration(*h.uptime_seconds);
  return s + ".";
}

std::string ledgerShare(const Ledger& l, ByteCount bytes) {
  return l.untrusted ? std::string(kUntrustedShare) : percentOf(bytes.value(), l.mem_total.value());
}

std::string residualShare(const Ledger& l) {
  if (l.untrusted) return std::string(kUntrustedShare);
  std::string share = percentOf(magnitude(l.residual_bytes), l.mem_total.value());
  return l.residual_bytes < 0 ? "-" + share : share;
}

std::string vanishedProcesses(uint64_t n) {
  return formatCount(n) + " processes exited while being collected (omitted, not an error)";
}

std::string moreParseIssues(uint64_t n, std::string_view ellipsis) {
  return std::string(ellipsis) + " and " + formatCount(n) +
         " more (all of them are in the JSON report)";
}

std::string largestOf(size_t shown, uint64_t total, std::string_view noun) {
  return "The " + std::to_string(shown) + " largest of " + formatCount(total) + " " +
         std::string(noun);
}

std::vector<std::string> zoneCells(const ZoneFree& z, PageSize page, std::string_view absent) {
  auto bytes = [&](PageCount p) { return formatBytes(page.toBytes(p)); };
  auto scan = [&](const std::optional<PageCount>& p) {
    return p ? bytes(*p) : std::string(absent);
  };
  return {bytes(z.present), bytes(z.managed), bytes(z.free), scan(z.frames_free),
          scan(z.frames_unflagged)};
}

std::vector<std::string> zoneTotalCells(const FreeReconciliation& f, std::string_view absent) {
  return {formatBytes(f.zones_present), formatBytes(f.zones_managed), formatBytes(f.zones_free),
          formatBytes(f.frames_free, absent), formatBytes(f.frames_unflagged, absent)};
}

std::vector<std::string> processFigures(const ProcessRow& p, std::string_view absent) {
  return {formatBytes(p.rss, absent),  formatBytes(p.pss, absent),
          formatBytes(p.uss, absent),  formatBytes(p.anon, absent),
          formatBytes(p.file, absent), formatBytes(p.shmem, absent),
          formatBytes(p.swap, absent), formatBytes(p.anon_huge, absent)};
}

std::vector<std::string> cgroupFigures(const CgroupRow& c, std::string_view absent) {
  return {formatCount(c.tasks),
          formatBytes(c.usage, absent),
          c.limit ? formatBytes(*c.limit) : "none",
          formatBytes(c.stat_anon, absent),
          formatBytes(c.stat_file, absent),
          formatBytes(c.subtree_frame_bytes, absent),
          formatBytes(c.frame_bytes, absent),
          formatBytes(c.subtree_frame_unmapped_anon, absent)};
}

std::string cgroupColumnsNote(const std::vector<CgroupRow>& rows) {
  for (const CgroupRow& r : rows)
    if (r.frame_bytes)
      return "Usage, anon and file are the kernel's counters for the cgroup and everything below "
             "it, and so are frames (page frames charged to the subtree) and unmapped anon; own "
             "counts the page frames charged to the cgroup itself.";
  return "";
}

std::string processAbsentNote(const std::vector<ProcessRow>& rows, std::string_view absent) {
  uint64_t no_smaps = 0, no_status = 0;
  const ProcessRow* first_smaps = nullptr;
  const ProcessRow* first_status = nullptr;
  for (const ProcessRow& p : rows) {
    if (!p.pss) {
      if (!first_smaps) first_smaps = &p;
      ++no_smaps;
    }
    if (!p.anon) {
      if (!first_status) first_status = &p;
      ++no_status;
    }
  }
  auto who = [](const ProcessRow* p, uint64_t n) {
    std::string s = "pid " + std::to_string(p->pid);
    if (n > 1) s.append(" and ").append(formatCount(n - 1)).append(" more");
    return s;
  };
  std::string note;
  if (no_smaps > 0) {
    note.append(std::string(absent))
        .append(" is not measured, not zero: the smaps of ")
        .append(who(first_smaps, no_smaps))
        .append(
            " could not be read (see the collection section), so their PSS, USS and AnonHuge "
            "are unknown");
    note += no_status > 0 ? "; " : ".";
  }
  if (no_status > 0) {
    if (note.empty()) note.append(std::string(absent)).append(" is not measured, not zero: ");
    note.append("the status of ")
        .append(who(first_status, no_status))
        .append(" could not be read, so their anon, file, shmem and swap are unknown.");
  }
  return note;
}

std::string noProcessRows(const Report& r) {
  if (r.table_rows == 0 && r.process_count > 0)
    return "Table turned off (--top 0): the bundle has " + formatCount(r.process_count) +
           " processes.";
  return "No per-process data in this bundle.";
}

std::string noCgroupRows(const Report& r) {
  if (r.table_rows == 0 && r.cgroup_count > 0)
    return "Table turned off (--top 0): the bundle has " + formatCount(r.cgroup_count) +
           " memory cgroups.";
  return "No memory cgroup data in this bundle.";
}

std::string cgroupOrder(const std::vector<CgroupRow>& rows) {
  for (const CgroupRow& r : rows)
    if (r.subtree_frame_bytes) return "by page frames charged to each cgroup and its descendants";
  return "by usage";
}

bool isNoAddressSpace(const MissingSource& m) {
  return m.status == "absent" && m.detail.starts_with("ESRCH: no address space");
}

MissingView missingView(const Collection& c) {
  MissingView v;
  for (const MissingSource& m : c.missing) {
    if (isNoAddressSpace(m)) {
      ++v.without_address_space;
    } else {
      v.rows.push_back(&m);
    }
  }
  return v;
}

std::string noAddressSpaceSentence(uint64_t n) {
  return formatCount(n) +
         (n == 1 ? " kernel thread or zombie has" : " kernel threads or zombies have") +
         " no address space, hence no smaps_rollup: nothing is missing there (each one is listed "
         "in the JSON report).";
}

std::string driftSentence(ByteCount drift) {
  if (drift.value() == 0)
    return "the counters did not move between the collector's first and last reading";
  return "the counters moved by at most " + formatBytes(drift) +
         " between the collector's first and last reading: the error bound of comparing them "
         "with the page scan";
}

std::string framesClassified(const FrameSummary& f) {
  std::string s = formatCount(f.frames.value()) + " frames classified";
  if (f.missing_frames.value() > 0)
    s += ", " + formatCount(f.missing_frames.value()) + " missing from the tables";
  return s;
}

std::string unknownBecause(UnknownBecause why) {
  switch (why) {
    case UnknownBecause::kNoPageCgroupTable:
      return "unknown: the bundle has no " +
             bundle::members::pageTableSource(bundle::PageTable::kCgroup) +
             " table (the collector could not read it: not root, or a kernel without "
             "CONFIG_MEMCG)";
    case UnknownBecause::kNoMemoryLayout:
      return "unknown: the bundle has neither memory-block data (" +
             std::string(bundle::members::kMemoryBlockDir) + ", " +
             std::string(bundle::kMemoryBlocksMember) + ") nor zone spans (" +
             std::string(bundle::members::kZoneinfo) + ") to place the frames";
  }
  return "unknown";
}

std::string_view unknownCode(UnknownBecause why) {
  return why == UnknownBecause::kNoPageCgroupTable ? "no-kpagecgroup" : "no-memory-layout";
}

std::string nodeName(int node) {
  return node < 0 ? std::string("outside known nodes") : "node " + std::to_string(node);
}

std::string zoneName(const ZoneFree& z) {
  return "node " + std::to_string(z.node) + " " + z.zone;
}

std::string anonNegativeNote(const AnonReconciliation& a) {
  if (a.difference_bytes >= 0) return "";
  std::string s =
      "AnonPages + Shmem exceed the anonymous LRU by " +
      formatBytes(ByteCount(magnitude(a.difference_bytes))) +
      ": no anonymous memory sits on the LRU unmapped. Mapped anonymous and shmem pages "
      "need not be on the anonymous LRU lists: mlocked ones and SHM_LOCKed or ramfs "
      "shmem are on the unevictable list";
  if (a.unevictable) s += " (Unevictable " + formatBytes(*a.unevictable) + ")";
  s += ", others are isolated for reclaim or migration or still in per-CPU batches, and the "
       "counters are not read at one instant.";
  return s;
}

std::vector<std::string> anonCrossChecks(const AnonReconciliation& a) {
  std::vector<std::string> out;
  if (a.process_rss_anon && a.process_pss_anon) {
    out.push_back("Over " + formatCount(a.processes) + " processes, RssAnon sums to " +
                  formatBytes(*a.process_rss_anon) +
                  " and Pss_Anon (no double count after fork) to " +
                  formatBytes(*a.process_pss_anon) + ".");
  } else if (a.process_rss_anon || a.process_pss_anon) {
    out.push_back("Over " + formatCount(a.processes) + " processes, " +
                  (a.process_rss_anon ? "RssAnon sums to " + formatBytes(*a.process_rss_anon)
                                      : "Pss_Anon sums to " + formatBytes(*a.process_pss_anon)) +
                  ".");
  } else {
    out.push_back("Per-process anonymous memory is not available in this bundle.");
  }
  if (a.frames_lru_anon || a.frames_anon_unmapped) {
    out.push_back("The page-frame scan finds " + formatBytes(a.frames_lru_anon) +
                  " of anonymous LRU memory, " + formatBytes(a.frames_anon_unmapped) +
                  " of it mapped by no process.");
  } else {
    out.push_back("No page-frame scan: the bundle has no page-frame tables.");
  }
  if (a.drift) {
    std::string d = driftSentence(*a.drift);
    d[0] = static_cast<char>(d[0] - 'a' + 'A');
    out.push_back(d + ".");
  }
  return out;
}

std::string thpBreakdown(const Finding& f, std::string_view times) {
  if (!f.thp_count) return "";
  const std::string noun = f.thp_below_pmd ? " large folios (mTHP)" : " THPs";
  if (f.thp_sizes.size() > 1) {
    std::string s = formatCount(*f.thp_count) + noun + ":";
    for (size_t i = 0; i < f.thp_sizes.size(); ++i)
      s += (i ? ", " : " ") + formatCount(f.thp_sizes[i].count) + " " + std::string(times) + " " +
           formatBytes(f.thp_sizes[i].bytes);
    return s;
  }
  if (!f.thp_bytes) return "";
  return formatCount(*f.thp_count) + noun + " " + std::string(times) + " " +
         formatBytes(*f.thp_bytes);
}

}  // namespace memsift::report
