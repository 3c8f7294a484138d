// Helpers for the collector tests: running memsift-collect, building replayable system roots,
// and looking into the bundles it writes (with GNU tar, as an engineer would, and with the
// bundle reader, which also checks every member's checksum).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace memsift::test {

std::string collectorPath();  // build/bin/memsift-collect

// Copies testdata/roots/minimal to `dir` and writes proc/kpageflags, kpagecount and kpagecgroup
// of `frames` frames with a deterministic pattern (frames a multiple of 8 bytes each, of course).
void makeReplayRoot(const std::filesystem::path& dir, uint64_t frames);
// The pattern makeReplayRoot() writes, table 0/1/2 = flags/count/cgroup.
uint64_t patternValue(int table, uint64_t pfn);
// Writes a whole page table of `frames` frames with patternValue().
void writePageTable(const std::filesystem::path& file, int table, uint64_t frames);

struct ExtractedBundle {
  std::filesystem::path dir;  // where `tar --zstd -xf` put the members
  nlohmann::json manifest;
  nlohmann::json index;

  // A text member with its parts (NAME, NAME.part2, ...) joined.
  std::string text(const std::string& member) const;
  bool has(const std::string& member) const;
  // One page table reassembled from its chunks in PFN order ("kpageflags", ...).
  std::string pageTable(std::string_view table) const;
  // Paths of index "sources" with this status ("denied", "vanished", ...).
  std::vector<std::string> sources(std::string_view status) const;
  // The detail recorded for one source path ("" if none).
  std::string detail(const std::string& path) const;
};

// Extracts with GNU tar into `into` (created). REQUIREs tar to succeed.
ExtractedBundle extractBundle(const std::filesystem::path& bundle,
                              const std::filesystem::path& into);

// Reads the bundle with memsift's own reader: returns "" if every member's checksum matched and
// the bundle ended cleanly with its index, else what the reader reported.
std::string verifyWithReader(const std::filesystem::path& bundle);

// Files below `dir`, relative, regular files only, sorted.
std::vector<std::string> regularFiles(const std::filesystem::path& dir);

// Single-quotes a string for sh.
std::string shellQuote(const std::string& s);

}  // namespace memsift::test
