// What `memsift frame` tells of a few page frames, as plain data: the tables' words, the names
// the bundle has for them (cgroup path, node, memory block), the compound page around each frame
// and its category. Rendered by report/frame_renderer.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/units.h"

namespace memsift::report {

struct FrameFacts {
  Pfn pfn;
  ByteCount phys_addr;  // PFN x page size
  uint64_t flags = 0;   // kpageflags as the kernel wrote it
  std::optional<uint64_t> kpagecount;
  std::optional<uint64_t> cgroup_inode;
  std::optional<std::string> cgroup_path;  // when the bundle's cgroup tree has the inode
  std::optional<int> node;                 // -1: outside every memory range (a hole)
  std::optional<uint64_t> memory_block;    // memoryN under /sys/devices/system/memory
};

struct FrameCompound {
  Pfn head;
  uint64_t pages = 0;  // head and tails
  ByteCount bytes;
  std::optional<unsigned> order;  // log2(pages) when a power of two
  uint64_t mapped = 0;            // frames with kpagecount > 0
  bool counted = true;            // every frame had its kpagecount
};

struct FrameEntry {
  bool in_tables = false;  // false: the bundle's tables do not hold this PFN
  FrameFacts frame;
  std::string role = "none";  // "head", "tail" or "none"
  std::optional<FrameCompound> compound;
  std::optional<std::string> category_id, category_label;
  std::optional<FrameFacts> head;  // for a tail: its head
};

struct FrameReport {
  std::string schema = "memsift-frame/1";
  std::string hostname, kernel, arch;
  uint64_t page_size = 0;
  // Why a figure is unknown for every frame: what the bundle lacks ("" when it has it).
  std::string cgroup_missing;  // "proc/kpagecgroup"
  std::string node_missing;    // "memory-blocks.tsv and proc/zoneinfo"
  std::string block_missing;   // "sys/devices/system/memory/block_size_bytes"
  uint64_t block_bytes = 0;
  std::vector<FrameEntry> frames;
  std::vector<std::string> damage;
};

}  // namespace memsift::report
