// How figures look to a reader: one place for units and rounding, so that the text, Markdown
// and HTML reports and the analysis' own sentences print the same number the same way (JSON
// prints raw bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/units.h"

namespace memsift::report {

// Binary units with one decimal, the decimal dropped when it is zero: "0 B", "1023 B",
// "512 MiB", "223.5 GiB", "1.2 TiB". Rounds half up to the tenth; a value that rounds to 1024
// of a unit moves to the next unit ("1.0 GiB", printed "1 GiB").
std::string formatBytes(ByteCount bytes);
// A figure the bundle may not have: `absent` when it has not ("n/a" in prose, "-" in tables).
std::string formatBytes(const std::optional<ByteCount>& bytes, std::string_view absent = "n/a");
// |v| as unsigned, INT64_MIN included (negated in unsigned arithmetic, which cannot overflow).
uint64_t magnitude(int64_t v);
// Signed byte amounts (ledger residuals): "-1.5 GiB", "0 B", "2 MiB" (no "+" sign).
std::string formatSignedBytes(int64_t bytes);
// A share of a whole as a percentage with one decimal: "88.2%"; "<0.1%" for a share that is
// positive but rounds to zero; "0%" for zero. Shares above 100% are printed as they are.
std::string formatPercent(double share);
// share = part / whole, 0 when the whole is 0.
double shareOf(uint64_t part, uint64_t whole);
// formatPercent(shareOf(part, whole)): "12.5%".
std::string percentOf(uint64_t part, uint64_t whole);
// Integers with thousands separators: "3,661,377".
std::string formatCount(uint64_t n);
// Page frame numbers in hex, as page-types and crash print them: "0x10000".
std::string formatPfn(Pfn pfn);
// Page sizes the way kernel people say them: "4 KiB", "64 KiB".
std::string formatPageSize(uint64_t bytes);
// Seconds as the largest two units: "45s", "12m 5s", "3h 20m", "12d 3h".
std::string formatDuration(double seconds);

}  // namespace memsift::report
