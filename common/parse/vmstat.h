// Parser for /proc/vmstat: "name value" lines, every counter kept in file order.
//
// mm/vmstat.c (vmstat_show) prints each item of vmstat_text[] as "%s %lu". The units differ by
// key and are not in the file: nr_* items are pages except those the kernel keeps in KiB
// (nr_kernel_stack is NR_KERNEL_STACK_KB, nr_shadow_call_stack likewise); the rest (pgfault,
// oom_kill, thp_split_page_failed, ...) are event counts. So values stay raw numbers; wrap them in
// PageCount where the key is known to be pages.
#pragma once

#include <string_view>

#include "common/parse/keyed_list.h"
#include "common/parse/parse_issue.h"

namespace memsift::parse {

using Vmstat = KeyValues;  // get: vmstat.value("oom_kill") -> std::optional<uint64_t>

// The text must outlive the result.
Vmstat parseVmstat(std::string_view text, IssueSink& issues);

}  // namespace memsift::parse
