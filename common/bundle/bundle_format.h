// The memsift bundle format: names, sizes and limits shared by the writer and the reader.
//
// A bundle is a POSIX tar archive (ustar, with pax 'x' records for long names) compressed with
// zstd (frame checksums on), so that `tar --zstd -xf NAME.tar.zst` opens it anywhere. The full
// specification, with the reasons behind each choice, is docs/bundle-format.md; in short:
//
//   manifest.json                        first: format version, tool version, host facts, options
//   proc/meminfo, proc/123/smaps, ...    text sources under their real path, each read whole
//   proc/123/smaps.part2, ...            continuation of a source larger than kTextPartBytes
//   pageframes/<start-pfn>/kpageflags    page-frame tables in chunks of kPageChunkFrames frames;
//   pageframes/<start-pfn>/kpagecount    the chunks of the three tables for one PFN range follow
//   pageframes/<start-pfn>/kpagecgroup   each other (start PFN as 16 lower-case hex digits)
//   index.json                           last: every member's size and XXH64, every source that
//                                        could not be read and why, whether collection completed
//
// Since format 1.1 each page-table member has a zstd frame of its own, preceded by a member hint
// (a skippable frame naming it and giving its frame's compressed length, see zstd_stream.h), so
// that a reader skips the tables it does not need without decompressing them.
//
// A bundle without index.json is incomplete. Versions: see version.h (defined in CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/units.h"

namespace memsift::bundle {

inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kIndexName = "index.json";
inline constexpr std::string_view kPageFramesDir = "pageframes/";

// Frames per page-table chunk: 128 Ki frames = 1 MiB of u64 per table (512 MiB of RAM at 4 KiB
// pages, 8 GiB at 64 KiB). One chunk of each table is all a reader needs in memory at once.
inline constexpr uint64_t kPageChunkFrames = 128 * 1024;
inline constexpr size_t kPageChunkBytes = kPageChunkFrames * 8;

// A text source larger than this is stored as several members ("NAME", "NAME.part2", ...), so
// that the collector never holds more than this much of one file.
inline constexpr size_t kTextPartBytes = 4 * 1024 * 1024;

// Reader sanity caps: a member header claiming more than this is damage, not data.
inline constexpr uint64_t kMaxMemberBytes = 1ull << 32;
// The most text the writer puts in one member (a longer source continues in NAME.part2, ...).
inline constexpr uint64_t kMaxTextMemberBytes = kTextPartBytes;
inline constexpr uint64_t kMaxManifestBytes = 1 << 20;
inline constexpr uint64_t kMaxIndexBytes = 1ull << 30;

enum class PageTable { kFlags = 0, kCount = 1, kCgroup = 2 };
inline constexpr PageTable kPageTables[] = {PageTable::kFlags, PageTable::kCount,
                                            PageTable::kCgroup};

// "kpageflags", "kpagecount", "kpagecgroup": the /proc file each table comes from.
std::string_view pageTableName(PageTable table);

// "pageframes/0000000000020000/kpageflags".
std::string pageChunkMemberName(PageTable table, Pfn start);

struct PageChunkName {
  PageTable table;
  Pfn start;
};
// Parses a page-chunk member name; nullopt if `name` is not one.
std::optional<PageChunkName> parsePageChunkMemberName(std::string_view name);

// "proc/1/smaps" part 2 -> "proc/1/smaps.part2"; part 1 is the name itself.
std::string textPartMemberName(std::string_view source, unsigned part);

// The inverse: "proc/1/smaps.part3" -> {"proc/1/smaps", 3}; {name, 1} for any other name
// (".part1", ".part", ".partx" are not parts: the writer never makes them).
struct TextPart {
  std::string_view source;
  unsigned part = 1;
};
TextPart parseTextPartMemberName(std::string_view name);

// Why a source is missing from a bundle, or only partly there. Recorded in index.json.
enum class SourceStatus {
  kOk,         // read whole
  kAbsent,     // does not exist on this host/kernel (ENOENT)
  kDenied,     // permission denied (not root, lockdown)
  kVanished,   // the process exited while it was read (ESRCH, or ENOENT after listing)
  kError,      // another read error (errno recorded)
  kTruncated,  // only part of it was read (interrupted or limited)
  kTimeout,    // not reached before --max-seconds
};
std::string_view sourceStatusName(SourceStatus status);
std::optional<SourceStatus> parseSourceStatus(std::string_view name);

}  // namespace memsift::bundle
