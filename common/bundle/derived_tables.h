// The tables the collector derives instead of storing thousands of small files: cgroups.tsv (one
// row per memory cgroup directory), memory-blocks.tsv (one row per memory block) and
// process-fds.tsv (one row per process: its descriptors that can hold memory). All are
// defined here, for the writer (collector/tsv_member.cc) and every reader (the analysis, memsift
// page-types), so that they cannot drift apart.
//
// Format: tab-separated text, a header row first, one row per line. A field's tab, newline,
// backslash and other control bytes are written as three-digit octal escapes (\011, \012, \134),
// as /proc/self/mountinfo escapes paths. A table is stored in parts of at most about
// kTablePartBytes, cut at row boundaries: NAME, NAME.part2, NAME.part3, ... (the header only in
// the first). Other members may come between the parts (the collector stores a cgroup's memory
// files while its walk goes on), so a reader takes each part as it comes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/parse/parse_issue.h"

namespace memsift::bundle {

inline constexpr std::string_view kCgroupMapMember = "cgroups.tsv";
inline constexpr std::string_view kCgroupMapHeader = "hierarchy\tino\tpath";
inline constexpr std::string_view kMemoryBlocksMember = "memory-blocks.tsv";
inline constexpr std::string_view kMemoryBlocksHeader = "block\tstate\tnode\tvalid_zones";
inline constexpr std::string_view kProcessFdsMember = "process-fds.tsv";
inline constexpr std::string_view kProcessFdsHeader = "pid\tfds\tpipes\tio_uring\tvfio\trdma\tnote";
// A part is stored once its rows reach this size: the writer holds at most one part (plus a row).
inline constexpr size_t kTablePartBytes = 256 * 1024;

enum class DerivedTable { kCgroupMap, kMemoryBlocks, kProcessFds };

// Which table a member is a part of ("cgroups.tsv.part2" -> kCgroupMap, part 2); nullopt for
// any other member.
struct TablePart {
  DerivedTable table;
  unsigned part = 1;
};
std::optional<TablePart> derivedTablePart(std::string_view member);

// Appends `value` to a row, escaped (see above).
void appendTableField(std::string& row, std::string_view value);

// One row of cgroups.tsv: the hierarchy (an index into the manifest's
// memory_cgroups.hierarchies), the directory's inode (0: unknown, a copied tree's directory its
// --cgroup-inodes file did not list) and its path inside the hierarchy, unescaped ("/" for the
// root).
struct CgroupRow {
  int hierarchy = 0;
  uint64_t inode = 0;
  std::string path;
};

// One row of memory-blocks.tsv: the block number (memoryN), its state file ("online") and the
// node its nodeM link names (nullopt for "-": no link).
struct MemoryBlockRow {
  uint64_t block = 0;
  std::string state;
  std::optional<int> node;
};

// One row of process-fds.tsv (collector/fd_census.h): descriptors examined, pipes among them,
// the numbers of the io_uring, VFIO and RDMA descriptors (comma-separated in the table, at most
// 64 each), and why the census is not whole ("" when it is; "EACCES (Permission denied)" when
// the fd directory could not be read).
struct ProcessFdRow {
  int pid = 0;
  uint64_t fds = 0, pipes = 0;
  std::vector<uint64_t> io_uring, vfio, rdma;
  std::string note;
};

// Parse one part's text, appending its rows; the header is skipped in part 1. A malformed row
// is reported to `issues` (line numbers count within the part) and left out.
void parseCgroupRows(std::string_view text, unsigned part, std::vector<CgroupRow>& out,
                     parse::IssueSink& issues);
void parseMemoryBlockRows(std::string_view text, unsigned part, std::vector<MemoryBlockRow>& out,
                          parse::IssueSink& issues);
void parseProcessFdRows(std::string_view text, unsigned part, std::vector<ProcessFdRow>& out,
                        parse::IssueSink& issues);

}  // namespace memsift::bundle
