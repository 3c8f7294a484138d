// Parser for /proc/PID/statm: seven page counts on one line.
//
// fs/proc/array.c (proc_pid_statm) prints "size resident shared text lib data dt" in pages, from
// task_statm() in fs/proc/task_mmu.c; lib and dt are always 0 since Linux 2.6
// (Documentation/filesystems/proc.rst, Table 1-3).
#pragma once

#include <optional>
#include <string_view>

#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

struct Statm {
  PageCount size;      // total program size (VmSize)
  PageCount resident;  // resident set (VmRSS)
  PageCount shared;    // resident file-backed and shmem pages (RssFile + RssShmem)
  PageCount text;      // code
  PageCount lib;       // always 0
  PageCount data;      // data + stack
  PageCount dirty;     // always 0
};

// nullopt (and an issue) unless the first line is exactly seven decimal numbers; any further
// non-empty line is reported too.
std::optional<Statm> parseStatm(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
