// How figures and host-supplied strings look to a reader: one place for units and rounding, so
// the text, Markdown and HTML reports print the same number the same way (JSON prints raw bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/report/report.h"
#include "common/text/terminal_text.h"
#include "common/units.h"

namespace memsift::report {

// Binary units with one decimal, the decimal dropped when it is zero: "0 B", "1023 B",
// "512 MiB", "223.5 GiB", "1.2 TiB". Rounds half up to the tenth; a value that rounds to 1024
// of a unit moves to the next unit ("1.0 GiB", printed "1 GiB").
std::string formatBytes(ByteCount bytes);
// A figure the bundle may not have: `absent` when it has not ("n/a" in prose, "-" in tables).
std::string formatBytes(const std::optional<ByteCount>& bytes, std::string_view absent = "n/a");
// Signed byte amounts (ledger residuals): "-1.5 GiB", "0 B", "2 MiB" (no "+" sign).
std::string formatSignedBytes(int64_t bytes);
// A share of a whole as a percentage with one decimal: "88.2%"; "<0.1%" for a share that is
// positive but rounds to zero; "0%" for zero. Shares above 100% are printed as they are.
std::string formatPercent(double share);
// share = part / whole, 0 when the whole is 0.
double shareOf(uint64_t part, uint64_t whole);
// Integers with thousands separators: "3,661,377".
std::string formatCount(uint64_t n);
// Page frame numbers in hex, as page-types and crash print them: "0x10000".
std::string formatPfn(Pfn pfn);
// Page sizes the way kernel people say them: "4 KiB", "64 KiB".
std::string formatPageSize(uint64_t bytes);
// Seconds as the largest two units: "45s", "12m 5s", "3h 20m", "12d 3h".
std::string formatDuration(double seconds);

// printable() (common/text/terminal_text.h) makes a string from the host safe to print.
// The width of an already printable() string in terminal columns (UTF-8 code points).
size_t displayWidth(std::string_view s);
// Shortens a printable() string to at most `width` columns, ending it with "..." when cut.
std::string clip(std::string_view s, size_t width);

// printable(s) with every character for which `replace` returns a non-empty string replaced by
// it: the one loop behind the Markdown and HTML escapes.
std::string printableWith(std::string_view s, std::string_view (*replace)(char));

// How a renderer makes a host string safe for its format: printable, markdownEscape, htmlEscape.
using Escape = std::string (*)(std::string_view);

// Sentences every human format shares, so that they say the same thing the same way.
// The host: "Linux K on A (little-endian), 64 KiB pages, MemTotal X, 2 NUMA nodes. Collected T by
// memsift-collect V, uptime U." Host strings pass through `escape`; MemTotal is wrapped in
// `em_open`/`em_close` ("**", "<b>").
std::string hostSentence(const Host& h, Escape escape, std::string_view em_open = {},
                         std::string_view em_close = {});
// Under a cgroup table with page-scan columns: the kernel's columns are hierarchical, the
// page-scan ones count the cgroup alone; empty when no row has page-scan figures.
std::string cgroupColumnsNote(const std::vector<CgroupRow>& rows);
// Under a process table: which figures were not measured (shown as `absent`, never as 0), and
// why; empty when every row is whole.
std::string processAbsentNote(const std::vector<ProcessRow>& rows, std::string_view absent);
// The process table's empty state: turned off (--top 0) or no data in the bundle.
std::string noProcessRows(const Report& r);
std::string noCgroupRows(const Report& r);
// What the cgroup table is sorted by, as a clause: "by page frames charged to each cgroup and
// its descendants" (the page scan) or "by usage" (the kernel's hierarchical counter).
std::string cgroupOrder(const std::vector<CgroupRow>& rows);

// The sources not captured whole, minus the process files that cannot exist: a kernel thread
// (or zombie) has no address space, hence no smaps_rollup. Those are counted, not listed: the
// JSON report keeps each of them.
struct MissingView {
  std::vector<const MissingSource*> rows;
  uint64_t without_address_space = 0;
};
MissingView missingView(const Collection& c);
bool isNoAddressSpace(const MissingSource& m);
// "59 kernel threads or zombies have no address space, hence no smaps_rollup: ..."
std::string noAddressSpaceSentence(uint64_t n);

// How far the anonymous counters moved while the collector ran (meminfo before and after), as
// a clause: "the counters moved by at most 18 MiB between ...".
std::string driftSentence(ByteCount drift);
// The page-frame section's opening clause: "6,553,600 frames classified", plus ", N missing from
// the tables" when chunks were lost; each format adds its own ending.
std::string framesClassified(const FrameSummary& f);
// "node 0 Normal"
std::string zoneName(const ZoneFree& z);

// When AnonPages + Shmem exceed the anonymous LRU: by how much, and why that happens; empty when
// the difference is not negative.
std::string anonNegativeNote(const AnonReconciliation& a);
// The anonymous reconciliation's cross-checks: per-process sums, the page scan, counter drift.
std::vector<std::string> anonCrossChecks(const AnonReconciliation& a);
// How a THP finding's amount is made up, before " = BYTES": "447 THPs x 512 MiB", or with several
// sizes "9,728 large folios (mTHP): 1,536 x 1 MiB, 2,560 x 512 KiB, 5,632 x 256 KiB"; empty when
// the finding has no THP count and size. `times` is the multiplication sign ("x", "×").
std::string thpBreakdown(const Finding& f, std::string_view times);

// Analyzer-written prose (next steps) marks commands as `code`: the text split into plain and
// code parts, in order. An unpaired backtick stays plain text.
struct ProsePart {
  std::string_view text;
  bool code = false;
};
std::vector<ProsePart> codeSpans(std::string_view prose);

}  // namespace memsift::report
