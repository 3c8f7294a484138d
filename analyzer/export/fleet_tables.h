// Fleet tables (issue 14): what one analysed bundle contributes to each table of
// `memsift export`, as newline-delimited JSON rows keyed by bundle, for an analytics engine
// (DuckDB, ClickHouse, Spark) to join across thousands of hosts. The schema is
// docs/fleet-export.md; the rows are written from the report model, so every figure is the one
// `memsift report` shows.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "analyzer/analysis/bundle_data.h"
#include "analyzer/model/report.h"

namespace memsift::fleet {

enum class Table { kHosts, kFindings, kLedger, kFrameCategories, kCgroups, kProcesses };
inline constexpr size_t kTableCount = 6;
// "hosts", "findings", ...: the table's file is NAME.ndjson.
std::string_view tableName(Table t);

// One bundle's rows, per table: each row a JSON object on one line.
using BundleRows = std::array<std::string, kTableCount>;

// `bundle`: how the bundle is named in every row (the path as given to memsift export).
BundleRows bundleRows(const std::string& bundle, const analysis::BundleData& data,
                      const report::Report& report);
// The hosts row of a bundle that could not be read at all, with why.
BundleRows unreadableRows(const std::string& bundle, const std::string& error);

}  // namespace memsift::fleet
