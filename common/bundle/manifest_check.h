// Checks of manifest.json's fields before anything uses them. A bundle is hostile input: a page
// size of 0 divided by zero, 3 gave "3 B pages", a byte order of "middle" was read as little, and
// a format major of 2^32+1 was truncated to 1 and accepted. Every field a reader relies on is
// checked here, once, for every command, and a wrong one is named.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace memsift::bundle {

// The page sizes a bundle may record: powers of two from 4 KiB (x86, arm64) to 1 MiB; Linux's
// largest base page today is 256 KiB (hexagon, powerpc 44x).
inline constexpr uint64_t kMinPageSize = 4096;
inline constexpr uint64_t kMaxPageSize = 1 << 20;
// Format versions above this are not versions but damage.
inline constexpr uint64_t kMaxFormatVersion = 65535;

// nullopt if format {name, major, minor} is there and in range; else what is wrong. Checked
// first: a newer major is refused by its number, whatever else its manifest holds.
std::optional<std::string> formatProblem(const nlohmann::json& manifest);

// nullopt if every other field that is present has its documented type and range (absent fields
// keep the readers' defaults); else which field is wrong and what was expected: "host.page_size is
// 0; expected a power of two from 4096 to 1048576". Checked: page_chunk_frames, tool.version, host
// (page_size, byte_order, the strings, uptime and start time), memory_cgroups
// (kpagecgroup_hierarchy, hierarchies[] id, version, mount_point, root), and that options,
// collector and derived_members are objects.
std::optional<std::string> manifestProblem(const nlohmann::json& manifest);

}  // namespace memsift::bundle
