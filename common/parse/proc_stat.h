// /proc/PID/stat (fs/proc/array.c, do_task_stat): "PID (COMM) STATE PPID ..." on one line. COMM
// may hold spaces and parentheses, so fields are counted from the last ')'. Only what memsift
// uses is parsed: starttime (field 22), the clock ticks after boot at which the process
// started, which with the PID names one process across two bundles of one boot.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace memsift::parse {

// Field 22 (starttime), or nullopt when the line is malformed.
std::optional<uint64_t> statStartTime(std::string_view stat);

}  // namespace memsift::parse
