// Small helpers of the test-root generator: a fixed-seed PRNG, file writing, kernel-style number
// formatting.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace memsift::testgen {

namespace fs = std::filesystem;

// xoshiro256** seeded through splitmix64: the same seed gives the same root on every machine
// (std:: distributions are implementation-defined, so none are used).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  // Uniform in [lo, hi] (inclusive); hi >= lo.
  uint64_t range(uint64_t lo, uint64_t hi);
  // True with probability num/den.
  bool chance(uint64_t num, uint64_t den) { return range(0, den - 1) < num; }

 private:
  uint64_t s_[4];
};

// Writes `text` to `path`, creating parent directories. Throws std::runtime_error on failure.
void writeText(const fs::path& path, std::string_view text);
// Creates a directory (and parents) and returns its inode number, which is what
// /proc/kpagecgroup reports for a memory cgroup (mm/memcontrol.c, page_cgroup_ino()).
uint64_t makeDirInode(const fs::path& path);
// A symbolic link, replacing any existing one.
void makeSymlink(const fs::path& target, const fs::path& link);

// "%8lu kB"-style right-aligned number, as /proc/meminfo prints (fs/proc/meminfo.c show_val_kb).
std::string padded(uint64_t value, int width);
std::string hex(uint64_t value);  // lower-case, no 0x (sysfs block_size_bytes, page-types -l)

}  // namespace memsift::testgen
