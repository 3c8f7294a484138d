// Formatting of figures and host strings shared by every human-readable renderer.
#include "analyzer/report/units_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace memsift::report {
namespace {

constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

std::string formatBytes(ByteCount bytes) {
  uint64_t v = bytes.value();
  size_t unit = 0;
  while (unit + 1 < std::size(kUnits) && v >= (uint64_t{1} << (10 * (unit + 1))))
    ++unit;
  std::string out;
  if (unit == 0) {
    appendUint(out, v);
    out += " B";
    return out;
  }
  // Tenths of the unit, rounded half up, in integers: the remainder times ten cannot overflow
  // because it is below 2^60 even for EiB.
  uint64_t div = uint64_t{1} << (10 * unit);
  uint64_t tenths = (v / div) * 10 + ((v % div) * 10 + div / 2) / div;
  if (tenths >= 10240 && unit + 1 < std::size(kUnits)) {
    ++unit;
    div <<= 10;
    tenths = (v / div) * 10 + ((v % div) * 10 + div / 2) / div;
  }
  appendUint(out, tenths / 10);
  if (tenths % 10 != 0) {
    out += '.';
    out += static_cast<char>('0' + tenths % 10);
  }
  out += ' ';
  out += kUnits[unit];
  return out;
}

std::string formatBytes(const std::optional<ByteCount>& bytes, std::string_view absent) {
  return bytes ? formatBytes(*bytes) : std::string(absent);
}

std::string formatSignedBytes(int64_t bytes) {
  if (bytes >= 0) return formatBytes(ByteCount(static_cast<uint64_t>(bytes)));
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  return std::string("-").append(
      formatBytes(ByteCount(uint64_t{0} - static_cast<uint64_t>(bytes))));
}

double shareOf(uint64_t part, uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::string formatPercent(double share) {
  if (!std::isfinite(share)) return "n/a";
  if (share == 0) return "0%";
  double tenths = std::round(share * 1000);
  if (share > 0 && tenths == 0) return "<0.1%";
  char buf[32];
  if (std::fmod(tenths, 10) == 0) {
    std::snprintf(buf, sizeof buf, "%.0f%%", tenths / 10);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f%%", tenths / 10);
  }
  return buf;
}

std::string formatCount(uint64_t n) {
  std::string digits;
  appendUint(digits, n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string formatPfn(Pfn pfn) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(pfn.value()));
  return buf;
}

std::string formatPageSize(uint64_t bytes) {
  return formatBytes(ByteCount(bytes));
}

std::string formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "n/a";
  uint64_t s = static_cast<uint64_t>(seconds);
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llum %llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%lluh %llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llud %lluh", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s % 86400 / 3600));
  }
  return buf;
}

std::string printableWith(std::string_view s, std::string_view (*replace)(char)) {
  std::string p = printable(s);
  std::string out;
  out.reserve(p.size() + p.size() / 8);
  for (char c : p) {
    std::string_view r = replace(c);
    if (r.empty()) {
      out += c;
    } else {
      out += r;
    }
  }
  return out;
}

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

std::string zoneName(const ZoneFree& z) {
  return "node " + std::to_string(z.node) + " " + z.zone;
}

std::string anonNegativeNote(const AnonReconciliation& a) {
  if (a.difference_bytes >= 0) return "";
  std::string s =
      "AnonPages + Shmem exceed the anonymous LRU by " +
      formatBytes(ByteCount(uint64_t{0} - static_cast<uint64_t>(a.difference_bytes))) +
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

std::vector<ProsePart> codeSpans(std::string_view prose) {
  std::vector<ProsePart> parts;
  size_t pos = 0;
  while (pos < prose.size()) {
    size_t open = prose.find('`', pos);
    size_t close = open == std::string_view::npos ? open : prose.find('`', open + 1);
    if (close == std::string_view::npos) break;
    if (open > pos) parts.push_back({prose.substr(pos, open - pos), false});
    if (close > open + 1) parts.push_back({prose.substr(open + 1, close - open - 1), true});
    pos = close + 1;
  }
  if (pos < prose.size()) parts.push_back({prose.substr(pos), false});
  return parts;
}

size_t displayWidth(std::string_view s) {
  size_t w = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++w;
  return w;
}

std::string clip(std::string_view s, size_t width) {
  if (displayWidth(s) <= width) return std::string(s);
  size_t keep = width > 3 ? width - 3 : 0;
  size_t cols = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80) {
      if (cols == keep) break;
      ++cols;
    }
  }
  std::string out(s.substr(0, i));
  out.append(width >= 3 ? 3 : width, '.');
  return out;
}

}  // namespace memsift::report
