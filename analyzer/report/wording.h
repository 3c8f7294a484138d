// The sentences of the report: every human format (text, Markdown, HTML) takes its wording from
// here, so that they say the same thing the same way and a change of wording is made once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model/format.h"
#include "analyzer/model/report.h"
#include "analyzer/report/markup.h"

namespace memsift::report {

// Sentences every human format shares, so that they say the same thing the same way.
// The host: "Linux K on A (little-endian), 64 KiB pages, MemTotal X, 2 NUMA nodes. Collected T by
// memsift-collect V, uptime U." Host strings pass through `escape`; MemTotal is wrapped in
// `em_open`/`em_close` ("**", "<b>").
std::string hostSentence(const Host& h, Escape escape, std::string_view em_open = {},
                         std::string_view em_close = {});
// The ledger's last line: "Residual: " + kResidualWhat, whose source column is kResidualSource;
// its share of MemTotal with the residual's sign ("-2.1%").
inline constexpr std::string_view kResidualWhat = "accounted for by nobody";
inline constexpr std::string_view kResidualSource = "MemTotal minus the parts above";
std::string residualShare(const Ledger& l);
// A ledger line's share of MemTotal ("12.5%"), or kUntrustedShare when its counters cannot be
// true.
inline constexpr std::string_view kUntrustedShare = "untrusted";
std::string ledgerShare(const Ledger& l, ByteCount bytes);
// Under the ledger when its counters cannot be true (instead of kLedgerOvershoot).
inline constexpr std::string_view kLedgerUntrusted =
    "These counters cannot be true (see the counters-impossible finding): the kernel's accounting "
    "is wrong, so neither the shares nor the residual can be trusted.";
// Under the ledger when its residual is negative.
inline constexpr std::string_view kLedgerOvershoot =
    "The parts add up to more than MemTotal: some counters overlap or moved while the collector "
    "read them.";
// The banner of a partial report, after its title ("Partial report.").
inline constexpr std::string_view kPartialReport =
    "The collection is incomplete or the bundle is damaged; some conclusions could not be drawn.";
// Why a report has no findings, as a clause ("No findings: " + it + ".").
inline constexpr std::string_view kNoFindings =
    "nothing in this bundle points at memory that is lost or misused";
inline constexpr std::string_view kNoFrameTables =
    "No page-frame tables in this bundle: frames were not classified.";
// "12 processes exited while being collected (omitted, not an error)"
std::string vanishedProcesses(uint64_t n);
// After the parse issues a format lists: "... and 12 more (all of them are in the JSON
// report)", starting with `ellipsis`.
std::string moreParseIssues(uint64_t n, std::string_view ellipsis);
// A top-N table's opening: "The 20 largest of 1,234 processes".
std::string largestOf(size_t shown, uint64_t total, std::string_view noun);

// The free-memory table, one definition for every format: its figure columns, and the cells of
// a zone's row and of the totals (bytes; `absent` where the scan has no figure).
inline constexpr std::string_view kZoneColumns[] = {"present", "managed", "free", "free (scan)",
                                                    "no flags (scan)"};
std::vector<std::string> zoneCells(const ZoneFree& z, PageSize page, std::string_view absent);
std::vector<std::string> zoneTotalCells(const FreeReconciliation& f, std::string_view absent);
// Under the free-memory table: whether MemFree, the zones' free lists and the page scan agree,
// and what explains it when they do not, one sentence each (free_wording.cc).
std::vector<std::string> freeExplanation(const FreeReconciliation& f);

// The figures of the process and cgroup tables, one definition for every format: the columns'
// names and a row's cells in that order (`absent` where not measured; a cgroup without a limit
// shows "none"). The text format shows a subset in 100 columns (kNarrow... are the indices).
inline constexpr std::string_view kProcessFigures[] = {"RSS",  "PSS",   "USS",  "anon",
                                                       "file", "shmem", "swap", "AnonHuge"};
inline constexpr size_t kNarrowProcessFigures[] = {0, 1, 2, 3, 6};
std::vector<std::string> processFigures(const ProcessRow& p, std::string_view absent);
inline constexpr std::string_view kCgroupFigures[] = {"tasks", "usage",  "limit", "anon",
                                                      "file",  "frames", "own",   "unmapped anon"};
inline constexpr size_t kNarrowCgroupFigures[] = {0, 1, 2, 5, 6, 7};
std::vector<std::string> cgroupFigures(const CgroupRow& c, std::string_view absent);

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

// A limitation of the report as one clause: "per-process figures: no process was captured"
// (limitation_wording.cc).
std::string limitationText(const Limitation& l);

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
// Why a finding's cgroup or node is unknown, as a clause after "memory cgroup"/"NUMA node":
// "unknown: the bundle has no proc/kpagecgroup table (...)".
std::string unknownBecause(UnknownBecause why);
// Its code in JSON: "no-kpagecgroup", "no-memory-layout".
std::string_view unknownCode(UnknownBecause why);
// A NUMA node in prose: "node 1", "outside known nodes" for -1.
std::string nodeName(int node);
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

}  // namespace memsift::report
