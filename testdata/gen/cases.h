// The cases memsift-testgen writes, and the options they share.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace memsift::testgen {

struct Options {
  std::filesystem::path dir;     // the system root to write
  std::filesystem::path expect;  // the expectations file (default DIR/../expected.json)
  uint64_t seed = 1;
  bool sparse = false;
  // The same host later (memsift diff): the case's leak at this share of its size, and the
  // uptime this much longer (same boot_id).
  uint64_t leak_percent = 100;
  uint64_t uptime_add = 0;
  // synthetic
  uint64_t size_gib = 256;
  uint64_t page_size = 4096;
  std::string kernel = "6.18";
  std::filesystem::path seed_dir;  // testdata/seed (meminfo, vmstat of the incident)
};

void caseSeed(const Options& o);
void caseSynthetic(const Options& o);
// The scenario cases of issue 6 on a small 6.x host (case_scenarios.cc).
void caseScenario(const std::string& name, const Options& o);
bool isScenario(const std::string& name);
// ppc64le, 64 KiB pages, a 6.18 kernel: leaked mTHP folios of several orders (case_ppc64le.cc).
void casePpc64leMthp(const Options& o);
// s390x (big-endian tables): pinned anonymous base pages; arm64 16 KiB pages: leaked 32 MiB THPs
// (case_foreign.cc).
void caseS390xPinnedAnon(const Options& o);
void caseArm64k16Thp(const Options& o);
// 5,000 memory cgroups and 16,000 memory blocks: derived tables in several parts
// (case_many_cgroups.cc).
void caseManyCgroups(const Options& o);

}  // namespace memsift::testgen
