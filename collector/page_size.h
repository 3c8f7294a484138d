// The page size of the system read, and how it is known. Every byte figure the analyzer derives
// from the page-frame tables is frames x page size, so a wrong page size makes every one of them
// wrong by the same factor (a 64 KiB arm64 host read as 4 KiB shows a sixteenth of its memory).
// The live host answers with sysconf(3). A --root tree is another system: this machine's page
// size says nothing about it, so the tree itself must say it, or the user must (--page-size).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/system_root.h"

namespace memsift::collector {

struct PageSizeClue {
  uint64_t bytes = 0;
  std::string source;  // "proc/1/smaps KernelPageSize", "proc/sys/kernel/arch x86_64", ...
};

// What the tree beneath `root` says about its page size, strongest first:
//  - KernelPageSize in proc/PID/smaps: the kernel's own page size for each mapping (the smallest
//    seen, since hugetlb mappings show their huge page size);
//  - the architecture (proc/sys/kernel/arch, else the tail of the kernel release): x86, s390 and
//    riscv have one page size;
//  - the PMD (THP) size, sys/kernel/mm/transparent_hugepage/hpage_pmd_size, else the default
//    hugetlb size (Hugepagesize in proc/meminfo, the PMD size unless default_hugepagesz= moved
//    it), on architectures whose page tables are one page of 8-byte entries per level (arm64,
//    loongarch): PMD size = page size x page size / 8.
std::vector<PageSizeClue> pageSizeClues(const SystemRoot& root);

struct PageSizeFact {
  uint64_t bytes = 0;
  std::string source;  // as recorded in manifest.json host.page_size_source
};

// --page-size when given (its disagreements with the tree go to `warnings`); sysconf(3) on the
// live host; else the tree's clues. Throws Error(kUsage) when a --root tree says nothing about
// its page size or contradicts itself: the user must give --page-size.
PageSizeFact determinePageSize(const SystemRoot& root, std::optional<uint64_t> given,
                               std::vector<std::string>& warnings);

}  // namespace memsift::collector
