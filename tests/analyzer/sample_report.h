// Hand-built report models for the renderer tests: the seed incident (arm64, 64 KiB pages,
// 447 leaked 512 MiB THPs) and a healthy host, filled the way the analysis fills them.
#pragma once

#include <cstddef>

#include "analyzer/model/report.h"

namespace memsift::test {

inline constexpr uint64_t kSeedPageSize = 65536;
inline constexpr uint64_t kSeedThpBytes = uint64_t{512} << 20;
inline constexpr uint64_t kSeedThpCount = 447;
inline constexpr uint64_t kSeedMemTotalKib = 265856640;

// The seed incident of ../shared/seed/README.md as the analysis should report it.
report::Report seedReport();
// A 16 GiB x86_64 host with 4 KiB pages, nothing wrong: no findings.
report::Report healthyReport();
// Adds a process and a cgroup whose names are attacker-chosen markup and control characters.
void addHostileProcess(report::Report& r);
// Makes the first finding an mTHP leak: large folios of three sizes below the PMD size.
void setMthpLeak(report::Report& r);
// Replaces the memory map with `cells` cells over two NUMA nodes (a large host's map).
void setMapCells(report::Report& r, size_t cells);

}  // namespace memsift::test
