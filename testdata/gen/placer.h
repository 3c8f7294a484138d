// Lays kinds of pages out in physical memory: the emitter writes one kind's pages or folios
// (keeping the frame tables and the kernel counters in step), the stream filler interleaves
// several kinds over a PFN range in runs of random length, each kind getting exactly its quota.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testdata/gen/frame_tables.h"
#include "testdata/gen/gen_util.h"
#include "testdata/gen/host.h"

namespace memsift::testgen {

struct Kind {
  std::string name{};
  Cat cat = Cat::kOther;
  unsigned order = 0;     // folio order: 0 for base pages
  uint64_t flags = 0;     // kpageflags of each base page, or of a folio's head (no compound bits)
  uint64_t vary = 0;      // bits set or cleared at random per run (referenced, active, dirty...)
  uint64_t count = 0;     // kpagecount of every page
  uint64_t cgroup = 0;    // kpagecgroup (the folio's memcg)
  uint32_t acct = 0;      // Acct bits: which kernel counters the pages feed
  uint64_t max_run = 64;  // longest run, in pages for base pages, in folios otherwise
  bool free = false;      // buddy: split into aligned blocks, recorded for buddyinfo
  uint64_t pages() const { return uint64_t{1} << order; }
};

class Emitter {
 public:
  Emitter(Host& host, FrameTables& tables, Rng& rng) : h_(host), t_(tables), rng_(rng) {}
  // `n` pages of `k` (base pages: n pages; folios: n / folio size folios).
  void emit(const Kind& k, uint64_t n);
  // One folio of `k` with explicit head flags.
  void folio(const Kind& k, uint64_t head_flags);
  void hole(uint64_t n) { t_.hole(n); }
  // `n` pages of the same flags that the kind does not vary (reserved areas, fixed pages).
  void fixed(const Kind& k, uint64_t n, uint64_t flags);
  FrameTables& tables() { return t_; }
  Rng& rng() { return rng_; }

 private:
  void freePages(const Kind& k, uint64_t n);
  uint64_t varied(const Kind& k);

  Host& h_;
  FrameTables& t_;
  Rng& rng_;
};

struct Quota {
  const Kind* kind;
  uint64_t pages;  // for folio kinds a multiple of the folio size
};

// Fills [pos, end) with the quotas, interleaved at random; their sum must be end - pos. Kinds
// whose folios are `chunk` pages (PMD THPs, huge pages) take whole chunk-aligned chunks; smaller
// folios are kept naturally aligned (a compound page is aligned to its size, mm/page_alloc.c).
void streamFill(Emitter& e, uint64_t end, std::vector<Quota> quotas, uint64_t chunk);

}  // namespace memsift::testgen

namespace memsift::testgen {
// Splits a node's quotas over its memory segments in proportion to their sizes (each share a
// multiple of its folio size); `filler` (base pages, usually free memory) takes what is left in
// each segment.
std::vector<std::vector<Quota>> splitOverSegments(const std::vector<Quota>& quotas,
                                                  const std::vector<Range>& segments,
                                                  const Kind* filler);
}  // namespace memsift::testgen
