// The Growth section laid out once for the text, Markdown and HTML reports: a headline and
// tables of cells already worded (units, signs, rates, trends), as `memsift diff` does
// (diff_view.h). Renderers only place them; JSON is written from the model.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/model/growth.h"
#include "analyzer/report/worded_table.h"

namespace memsift::report {

struct GrowthTable {
  std::string title;  // "Ledger", "Memory cgroups", "Processes"
  std::string note;   // a sentence under the title, or ""
  WordedColumns columns;
  WordedRows rows;
};

struct GrowthView {
  std::string headline;  // how many snapshots, over how long, from when to when
  std::vector<GrowthTable> tables;
};

GrowthView growthView(const Growth& g);

// Bytes per hour, signed: "+56.3 GiB/h", "-2 MiB/h", "0 B/h".
std::string formatRate(double bytes_per_hour);
// A unix time as ISO 8601 UTC: "2026-12-03T16:00:05Z".
std::string formatUnixTime(int64_t unix_time);
// When steady growth began: the time of day when the series has it, else the offset into the
// series ("5s after the first snapshot").
std::string sinceText(double since_seconds, const std::optional<int64_t>& since_unix_time);
// What a cgroup's or process's figure is called: "usage", "RssAnon", "VmPin", ...
std::string_view growthFigureName(std::string_view id);
// A series' name for people: its label, the residual's words, or its figure's name.
std::string growthSeriesName(const GrowthSeries& s);

}  // namespace memsift::report
