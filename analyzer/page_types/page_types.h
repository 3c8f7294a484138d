// `memsift page-types`: the kernel's tools/mm/page-types.c, run offline on a bundle's page tables.
//
// Prints what page-types prints for the same /proc/kpageflags, byte for byte:
// - summary rows in the order of page-types' 8192-slot open-addressing table (flags 0 in slot 0;
//   other flags start at slot flags & 0x1fff, 0 read as 1, probing linearly and wrapping to 1; a
//   value keeps the first free slot it meets when first seen in PFN order), MB = pages * page size
//   >> 20 with the bundle's page size;
// - -l runs that grow while flags, cgroup and map count stay equal and PFNs are contiguous, and
//   end where page-types' 64 Ki-page read batches end (counted from each -a range's start, or
//   PFN 0): walk_pfn() hands show_page_range() a voffset that restarts with every batch, and a
//   row only grows while the voffset continues (tools/mm/page-types.c). Rows do continue across
//   bundle chunks and into an adjacent -a range when the voffsets line up, as there.
//   -L one row per page; -C/-M leading columns;
// - filters (-b, -c) applied to the flags as shown (after the raw/non-raw transformation).
// One deliberate difference: without -M, page-types compares an uninitialised stack array as the
// map count when it merges -l runs, so on a real run it splits a few runs near the end of each
// 64 Ki-page read batch (PFN % 65536 >= 0xfd91 on the 6.18 reference host). That depends on the
// stack garbage of one build; memsift uses 0, i.e. what page-types means.
//
// analyzer/cli/page_types_command.cc runs it on a bundle: it parses the options, resolves -c PATH
// against the bundle's cgroups.tsv, and produces the chunks with bundle::forEachPageChunk (one
// pass over the bundle per Engine pass, skipping the tables the options do not need).
// Errors: kUsage (bad spec, unknown -c path), kInput (the bundle lacks kpagecgroup/kpagecount that
// -C, -c or -M need; flags page-types cannot name; more than 8191 distinct flags), kOutput.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/page_types/page_types_options.h"
#include "common/page_frames.h"
#include "common/units.h"

namespace memsift::page_types {

// Where the text goes. The engine hands over large blocks (about 1 MiB), never single lines.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void write(std::string_view data) = 0;
};

// Appends to a string (tests).
class StringSink : public OutputSink {
 public:
  void write(std::string_view data) override { text.append(data); }
  std::string text;
};

// Writes to a file descriptor, retrying short writes; throws kOutput on failure.
class FdSink : public OutputSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  void write(std::string_view data) override;

 private:
  int fd_;
};

// Called with each chunk in ascending PFN order; returns false when no further chunk is needed.
using ChunkVisitor = std::function<bool(const PageFrameChunk&)>;
// Streams the bundle's page-frame tables to the visitor, in ascending PFN order, from the chunk
// holding PFN `from` (chunks wholly before it may be skipped) to the end or until the visitor
// returns false. May be called more than once (see Engine::nextPass()).
using ChunkProducer = std::function<void(Pfn from, const ChunkVisitor& visit)>;
// The inode of the memory cgroup directory at `path` on the captured host, or nullopt.
using CgroupResolver = std::function<std::optional<uint64_t>(std::string_view path)>;

// The walker and printer. Feed it chunks with consume(), then call finish().
// page-types walks its -a ranges in command-line order, so pages of overlapping or descending
// ranges are walked (and counted) again: such ranges need more passes over the data. With no -a,
// or ranges that ascend without overlapping, there is one pass and nextPass() returns false.
class Engine {
 public:
  // options.cgroupPath must already be resolved into options.cgroupInode (runPageTypes does it).
  Engine(const Options& options, PageSize pageSize, OutputSink& out);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // The first PFN the current pass needs.
  Pfn passStart() const;
  // Walks one chunk. Chunks of one pass must ascend. Returns false once the pass needs no more.
  bool consume(const PageFrameChunk& chunk);
  // Moves to the next pass; false when there is none (then call finish()).
  bool nextPass();
  // Ends the last -l run, prints the summary, flushes. Throws kInternal if passes remain.
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether the options need kpagecgroup (-C, or a -c filter) and kpagecount (-M with -l or -L):
// page-types reads them only then, and memsift page-types skips them otherwise.
bool needsCgroups(const Options& options);
bool needsCounts(const Options& options);

// Runs a parsed command: -h prints usage, -d the description (neither reads the data); otherwise
// resolves -c PATH with `resolveCgroup`, walks every pass with `produce` and prints. Returns the
// exit code (0); errors are thrown as memsift::Error.
int runPageTypes(const Options& options, const ChunkProducer& produce, PageSize pageSize,
                 const CgroupResolver& resolveCgroup, OutputSink& out);

}  // namespace memsift::page_types
