// Parser for /proc/PID/status: "Key:\tvalue" lines, every key kept as text, typed on lookup.
//
// fs/proc/array.c (proc_pid_status) and task_mem() in fs/proc/task_mmu.c print sizes as
// "VmRSS:\t    3132 kB", ids as numbers ("Tgid:\t5272"), and other fields as free text ("Name",
// "State", "Uid" with four numbers, "Cpus_allowed_list", ...). The text must outlive the result.
#pragma once

#include <optional>
#include <string_view>

#include "common/parse/keyed_list.h"
#include "common/parse/parse_issue.h"
#include "common/units.h"

namespace memsift::parse {

struct ProcStatus {
  KeyedList<std::string_view> fields;  // value trimmed of blanks, e.g. "3132 kB", "bash"

  std::optional<std::string_view> text(std::string_view key) const { return fields.value(key); }
  // "N kB" values (VmRSS, RssAnon, VmSwap, HugetlbPages, ...) in bytes.
  std::optional<ByteCount> bytes(std::string_view key) const;
  // Plain decimal values (Tgid, PPid, Threads, ...).
  std::optional<uint64_t> number(std::string_view key) const;
};

// Lines without "Key:" are reported and skipped. "kB" values whose number does not parse are
// reported (and kept as text). An empty file is reported.
ProcStatus parseStatus(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
