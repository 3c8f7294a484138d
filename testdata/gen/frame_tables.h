// Writes the three page-frame tables of a synthetic root (proc/kpageflags, kpagecount,
// kpagecgroup) front to back, and keeps the truths the expectations file reports: pages per
// category, node and cgroup, compound pages, physical ranges and the raw flags histogram.
//
// One u64 per PFN at offset PFN x 8 in the byte order of the kernel that writes them
// (Documentation/admin-guide/mm/pagemap.rst: native; big-endian on s390x).
// Frames are written as runs of identical values through large buffers, so a 256 GiB host
// (64 Mi frames, 512 MiB per table) is written at disk speed; with `sparse`, long all-zero runs
// become file holes.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string_view>
#include <vector>

#include "common/units.h"
#include "testdata/gen/kernel_era.h"

namespace memsift::testgen {

namespace fs = std::filesystem;

// The analyzer's frame categories (analyzer/frames/frame_category.h), by the same ids: the
// generator says what it wrote in the analyzer's terms.
enum class Cat : uint8_t {
  kFree,
  kAnonMapped,
  kAnonUnmapped,
  kAnonThpMapped,
  kAnonThpPartlyMapped,
  kAnonThpUnmapped,
  kFileMapped,
  kFileUnmapped,
  kShmemMapped,
  kShmemUnmapped,
  kSlab,
  kPageTable,
  kHugetlbMapped,
  kHugetlbUnmapped,
  kKernel,
  kUnflagged,
  kOffline,
  kHole,
  kOther,
};
inline constexpr size_t kCatCount = static_cast<size_t>(Cat::kOther) + 1;
std::string_view catId(Cat c);

struct FrameValue {
  uint64_t flags = 0;
  uint64_t count = 0;   // kpagecount
  uint64_t cgroup = 0;  // kpagecgroup (memory cgroup directory inode)
};

struct Range {
  uint64_t start = 0;
  uint64_t pages = 0;
};

struct CatStats {
  uint64_t pages = 0;
  std::vector<uint64_t> node_pages{};           // by node; holes have none
  std::map<uint64_t, uint64_t> compound_sizes;  // pages per compound -> how many
  uint64_t unmapped_subpages = 0;               // partly mapped THPs: subpages with count 0
  std::vector<Range> ranges{};                  // coalesced, the first kMaxRanges
  uint64_t range_count = 0;
  uint64_t last_end = 0;
  static constexpr size_t kMaxRanges = 100;
};

class FrameTables {
 public:
  // `node_of` gives the NUMA node of a PFN (-1 in holes); called once per run.
  using NodeOf = int (*)(const void* ctx, uint64_t pfn);
  FrameTables(const fs::path& proc_dir, Era era, int nodes, NodeOf node_of, const void* ctx,
              bool sparse, bool write_cgroups = true, std::endian order = std::endian::native);
  ~FrameTables();
  FrameTables(const FrameTables&) = delete;
  FrameTables& operator=(const FrameTables&) = delete;

  Era era() const { return era_; }
  Pfn pos() const { return Pfn(pos_); }

  // `n` frames that read the same, all in category `cat`.
  void run(Cat cat, uint64_t n, FrameValue v);
  // A hole: KPF_NOPAGE, or all-zero from the 2025 rework on (kernel_era.h).
  void hole(uint64_t n);
  // A compound page of `pages` frames: the head, then tails derived from it as the era's
  // stable_page_flags() does. `tail_count` is the kpagecount of each tail.
  void compound(Cat cat, uint64_t pages, FrameValue head, uint64_t tail_count);
  // Like compound(), with a partly mapped THP: tails [0, mapped_tails) map, the rest read 0.
  void partlyMapped(uint64_t pages, FrameValue head, uint64_t mapped_tails);

  // Ends the three files (size = frames x 8). Call once.
  void finish();

  const std::array<CatStats, kCatCount>& cats() const { return cats_; }
  // cgroup inode -> pages per category
  const std::map<uint64_t, std::array<uint64_t, kCatCount>>& cgroups() const { return cgroups_; }
  const std::map<uint64_t, uint64_t>& flagsHistogram() const { return flags_hist_; }
  uint64_t frames() const { return pos_; }
  // Tail flags of a compound page in this era.
  uint64_t tailFlags(uint64_t head_flags) const;

 private:
  class Table;
  void account(Cat cat, uint64_t start, uint64_t n, uint64_t cgroup);
  void put(uint64_t n, FrameValue v);

  Era era_;
  int nodes_;
  NodeOf node_of_;
  const void* ctx_;
  Table* tables_[3];
  uint64_t pos_ = 0;
  std::array<CatStats, kCatCount> cats_;
  std::map<uint64_t, std::array<uint64_t, kCatCount>> cgroups_;
  std::map<uint64_t, uint64_t> flags_hist_;
};

}  // namespace memsift::testgen
