// The offline page-types engine: walks page-frame chunks and prints as tools/mm/page-types.c does.
#include "analyzer/page_types/page_types.h"

#include <algorithm>
#include <bitset>

#include "analyzer/page_types/page_types_output.h"
#include "common/error.h"
#include "common/kpf.h"

namespace memsift::page_types {
namespace {

// page-types' summary table: HASH_SHIFT 13.
constexpr size_t kSlots = size_t{1} << 13;
constexpr uint64_t kSlotMask = kSlots - 1;

template <bool kRaw>
inline uint64_t transform(uint64_t flags) {
  if constexpr (kRaw) {
    return kpf::expandOverloadedFlags(flags);
  } else {
    return kpf::wellKnownFlags(flags);
  }
}

struct Range {
  uint64_t start;
  uint64_t end;
};

}  // namespace

struct Engine::Impl {
  Impl(const Options& o, PageSize ps, OutputSink& sink) : opt(o), pageSize(ps), out(sink) {}

  Options opt;
  PageSize pageSize;
  Buffer out;
  // page-types reads kpagecgroup for -C or a -c filter, kpagecount only to list it (-M with -l/-L);
  // otherwise both are 0 for every page.
  bool useCgroups = false;
  bool useCounts = false;
  std::vector<std::vector<Range>> passes;
  size_t pass = 0;
  bool finished = false;

  // The summary table, in page-types' slot order.
  std::array<uint64_t, kSlots> slotFlags{};
  std::array<uint64_t, kSlots> slotPages{};
  uint64_t totalPages = 0;
  // Runs of equal flags are common: the last lookup is kept. Flags 0 live in slot 0.
  uint64_t cachedFlags = 0;
  size_t cachedSlot = 0;

  // The pending -l run (show_page_range()'s state).
  uint64_t runFlags = 0;
  uint64_t runCgroup = 0;
  uint64_t runMapcnt = 0;
  uint64_t runStart = 0;
  uint64_t runVoffset = 0;  // page-types' "voffset" of the run's first page
  uint64_t runLength = 0;
  size_t runSlot = 0;

  // Each slot's symbolic name, rendered when first printed: -l and -L print the same few
  // dozen names hundreds of thousands of times.
  std::unique_ptr<char[]> slotNames{new char[kSlots * kSymbolicWidth]};
  std::bitset<kSlots> slotNamed;

  size_t slotFor(uint64_t flags) {
    if (flags == cachedFlags) return cachedSlot;
    cachedFlags = flags;
    cachedSlot = lookup(flags);
    return cachedSlot;
  }

  size_t lookup(uint64_t flags) {
    // hash_slot(): slot 0 is reserved for flags 0, as an empty slot also reads 0.
    if (flags == 0) return 0;
    size_t k = flags & kSlotMask;
    for (size_t probes = 1; probes < kSlots; ++probes, ++k) {
      if (k == 0 || k >= kSlots) k = 1;
      if (slotFlags[k] == 0) {
        slotFlags[k] = flags;
        return k;
      }
      if (slotFlags[k] == flags) return k;
    }
    throwInput("page-types: more than " + std::to_string(kSlots - 1) +
               " distinct page flag combinations; page-types' summary table (8192 slots) is "
               "full and it stops here too");
  }

  std::string_view slotName(size_t slot) {
    char* name = slotNames.get() + slot * kSymbolicWidth;
    if (!slotNamed[slot]) {
      const std::string rendered = renderSymbolic(slotFlags[slot]);
      std::memcpy(name, rendered.data(), kSymbolicWidth);
      slotNamed[slot] = true;
    }
    return std::string_view(name, kSymbolicWidth);
  }

  std::string renderSymbolic(uint64_t flags) const {
    if (const uint64_t unnamed = kpf::unnamedPageTypesBits(flags); unnamed != 0) {
      const unsigned b = static_cast<unsigned>(__builtin_ctzll(unnamed));
      const kpf::FlagInfo* info = kpf::findFlag(b);
      throwInput("page-types: flags " + hex16(flags) + " have bit " + std::to_string(b) +
                 (info != nullptr ? " (" + std::string(info->kernelName) + ")" : "") +
                 " set, which page-types has no name for; it stops with \"unknown flag bit " +
                 std::to_string(b) + "\" too" +
                 ((kpf::bit(b) & kpf::kHackersBits) != 0 ? " (without -r the bit is hidden)" : ""));
    }
    return kpf::symbolic(flags);
  }

  char* putPrefix(char* p, uint64_t cgroup, uint64_t mapcnt) const {
    if (opt.listCgroup) {
      *p++ = '@';
      p = putDec(p, cgroup);
      *p++ = '\t';
    }
    if (opt.listMapcnt) {
      p = putDec(p, mapcnt);
      *p++ = '\t';
    }
    return p;
  }

  void printRun() {
    const std::string_view sym = slotName(runSlot);
    char* p = putPrefix(out.reserve(kMaxRow), runCgroup, runMapcnt);
    p = putHex(p, runStart);
    *p++ = '\t';
    p = putHex(p, runLength);
    *p++ = '\t';
    p = put(p, sym);
    *p++ = '\n';
    out.commit(p);
  }

  // show_page_range(): a row grows only while the page's voffset continues the row's too. In a
  // PFN walk, page-types passes each page voffset = range start + index within its read batch
  // (walk_pfn() never advances voffset between batches), so a row ends at every batch boundary.
  void addToRun(uint64_t pfn, uint64_t voffset, uint64_t length, uint64_t flags, size_t slot,
                uint64_t cgroup, uint64_t mapcnt) {
    if (runLength != 0 && flags == runFlags && cgroup == runCgroup && mapcnt == runMapcnt &&
        pfn == runStart + runLength && voffset == runVoffset + runLength) {
      runLength += length;
      return;
    }
    if (runLength != 0) printRun();
    runFlags = flags;
    runSlot = slot;
    runCgroup = cgroup;
    runMapcnt = mapcnt;
    runStart = pfn;
    runVoffset = voffset;
    runLength = length;
  }

  void printPage(uint64_t pfn, size_t slot, uint64_t cgroup, uint64_t mapcnt) {
    const std::string_view sym = slotName(slot);
    char* p = putPrefix(out.reserve(kMaxRow), cgroup, mapcnt);
    p = putHex(p, pfn);
    *p++ = '\t';
    p = put(p, sym);
    *p++ = '\n';
    out.commit(p);
  }

  bool passesBitFilters(uint64_t flags) const {
    for (const BitFilter& b : opt.bitFilters) {
      if (!b.matches(flags)) return false;
    }
    return true;
  }

  // Walks pages in runs of equal kpageflags, kpagecgroup and kpagecount values: a run is
  // transformed, filtered and looked up once, and -l extends its row by the whole run. Results
  // are the same as page by page (add_page() for each), since every page of a run gets the same
  // answers and runs are contiguous.
  // `voffset`: page-types' voffset of the first page; the pages lie within one read batch.
  template <bool kRaw>
  void walkRuns(const uint64_t* flags, const uint64_t* cgroups, const uint64_t* counts,
                uint64_t pfn, uint64_t voffset, size_t n) {
    size_t i = 0;
    while (i < n) {
      const uint64_t raw = flags[i];
      const uint64_t cgroup = cgroups != nullptr ? cgroups[i] : 0;
      const uint64_t mapcnt = counts != nullptr ? counts[i] : 0;
      // The frames after it with the same flags (and cgroup and map count where asked for).
      size_t j = i + 1 + equalWords(flags, i + 1, n, raw);
      if (cgroups != nullptr) j = i + 1 + equalWords(cgroups, i + 1, j, cgroup);
      if (counts != nullptr) j = i + 1 + equalWords(counts, i + 1, j, mapcnt);
      const uint64_t length = j - i;
      const uint64_t f = transform<kRaw>(raw);
      if (passesBitFilters(f) && (opt.cgroupInode == 0 || cgroup == opt.cgroupInode)) {
        // Claiming the slot before printing changes nothing: only counting claims slots, in
        // page order either way.
        const size_t slot = slotFor(f);
        if (opt.list == ListMode::kRanges) {
          addToRun(pfn + i, voffset + i, length, f, slot, cgroup, mapcnt);
        } else if (opt.list == ListMode::kEach) {
          for (size_t k = i; k < j; ++k)
            printPage(pfn + k, slot, cgroup, mapcnt);
        }
        slotPages[slot] += length;
        totalPages += length;
      }
      i = j;
    }
  }

  void checkChunk(const PageFrameChunk& c) const {
    const auto at = [&] { return " for the chunk at PFN 0x" + hex16(c.start.value()).substr(2); };
    if (c.hasCgroups() && c.cgroups.size() != c.flags.size()) {
      throwInput("page-types: kpagecgroup has " + std::to_string(c.cgroups.size()) +
                 " entries for " + std::to_string(c.flags.size()) + " pages" + at());
    }
    if (c.hasCounts() && c.counts.size() != c.flags.size()) {
      throwInput("page-types: kpagecount has " + std::to_string(c.counts.size()) + " entries for " +
                 std::to_string(c.flags.size()) + " pages" + at());
    }
    if (useCgroups && !c.hasCgroups()) {
      throwInput(
          "page-types: the bundle has no kpagecgroup, which -C and -c need (it is captured only "
          "on kernels with CONFIG_MEMCG)");
    }
    if (useCounts && !c.hasCounts()) {
      throwInput("page-types: the bundle has no kpagecount, which -M needs");
    }
  }

  // Walks pages [from, from + n) of a chunk, which lie in the -a range starting at `rangeStart`,
  // one page-types read batch (KPAGEFLAGS_BATCH pages, counted from the range's start) at a time.
  void walk(const PageFrameChunk& c, size_t from, size_t n, uint64_t rangeStart) {
    constexpr uint64_t kBatch = uint64_t{64} << 10;
    while (n > 0) {
      const uint64_t pfn = c.start.value() + from;
      const uint64_t inBatch = (pfn - rangeStart) % kBatch;
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n, kBatch - inBatch));
      const uint64_t* flags = c.flags.data() + from;
      const uint64_t* cgroups = useCgroups ? c.cgroups.data() + from : nullptr;
      const uint64_t* counts = useCounts ? c.counts.data() + from : nullptr;
      const uint64_t voffset = rangeStart + inBatch;
      opt.raw ? walkRuns<true>(flags, cgroups, counts, pfn, voffset, take)
              : walkRuns<false>(flags, cgroups, counts, pfn, voffset, take);
      from += take;
      n -= take;
    }
  }

  void printSummary() {
    out.append(
        "             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n");
    std::string longName;
    for (size_t i = 0; i < kSlots; ++i) {
      if (slotPages[i] == 0) continue;
      const uint64_t flags = slotFlags[i];
      const std::string_view sym = slotName(i);
      longName.clear();
      kpf::appendLongNames(flags, longName);
      char* p = out.reserve(kMaxRow + longName.size());
      p = put(p, "0x");
      p = putHex16(p, flags);
      *p++ = '\t';
      p = putDec(p, slotPages[i], 10);
      *p++ = ' ';
      p = putDec(p, megabytes(slotPages[i]), 8);
      p = put(p, "  ");
      p = put(p, sym);
      *p++ = '\t';
      p = put(p, longName);
      *p++ = '\n';
      out.commit(p);
    }
    char* p = put(out.reserve(kMaxRow), "             total\t");
    p = putDec(p, totalPages, 10);
    *p++ = ' ';
    p = putDec(p, megabytes(totalPages), 8);
    *p++ = '\n';
    out.commit(p);
  }

  // pages2mb(): bytes >> 20, truncated, in 64-bit arithmetic.
  uint64_t megabytes(uint64_t pages) const { return (pages * pageSize.bytes()) >> 20; }
};

Engine::Engine(const Options& options, PageSize pageSize, OutputSink& out)
    : impl_(std::make_unique<Impl>(options, pageSize, out)) {
  Impl& m = *impl_;
  if (options.cgroupPath) {
    throw Error(ErrorKind::kInternal, "page-types: -c " + *options.cgroupPath + " not resolved");
  }
  m.useCgroups = needsCgroups(options);
  m.useCounts = needsCounts(options);

  // Group the -a ranges into passes: a range that starts before the previous one ends needs the
  // data read again, as page-types reads it again.
  if (options.ranges.empty()) {
    m.passes.push_back({Range{0, ~uint64_t{0}}});
  } else {
    for (const AddrRange& r : options.ranges) {
      if (r.size == 0) continue;
      if (m.passes.empty() || r.start < m.passes.back().back().end) m.passes.emplace_back();
      m.passes.back().push_back(Range{r.start, r.end()});
    }
    if (m.passes.empty()) m.passes.emplace_back();
  }

  if (options.list != ListMode::kNone) {
    if (options.listCgroup) m.out.append("cgroup\t");
    if (options.listMapcnt) m.out.append("map-cnt\t");
    m.out.append(options.list == ListMode::kRanges ? "offset\tlen\tflags\n" : "offset\tflags\n");
  }
}

Engine::~Engine() = default;

Pfn Engine::passStart() const {
  const std::vector<Range>& ranges = impl_->passes[impl_->pass];
  return Pfn(ranges.empty() ? 0 : ranges.front().start);
}

bool Engine::consume(const PageFrameChunk& chunk) {
  Impl& m = *impl_;
  m.checkChunk(chunk);
  const std::vector<Range>& ranges = m.passes[m.pass];
  if (ranges.empty()) return false;
  const uint64_t start = chunk.start.value();
  const uint64_t end = start + chunk.flags.size();
  // The ranges of a pass ascend without overlapping, so their ends ascend too.
  auto it = std::upper_bound(ranges.begin(), ranges.end(), start,
                             [](uint64_t pfn, const Range& r) { return pfn < r.end; });
  for (; it != ranges.end() && it->start < end; ++it) {
    const uint64_t lo = std::max(start, it->start);
    const uint64_t hi = std::min(end, it->end);
    m.walk(chunk, static_cast<size_t>(lo - start), static_cast<size_t>(hi - lo), it->start);
  }
  return end < ranges.back().end;
}

bool Engine::nextPass() {
  Impl& m = *impl_;
  if (m.pass + 1 >= m.passes.size()) return false;
  ++m.pass;
  return true;
}

void Engine::finish() {
  Impl& m = *impl_;
  if (m.finished) return;
  if (m.pass + 1 < m.passes.size()) {
    throw Error(ErrorKind::kInternal, "page-types: finish() before the last -a pass");
  }
  m.finished = true;
  // flush_page_range(), then the summary after two newlines unless -N.
  if (m.opt.list == ListMode::kRanges && m.runLength != 0) m.printRun();
  if (!m.opt.noSummary) {
    if (m.opt.list != ListMode::kNone) m.out.append("\n\n");
    m.printSummary();
  }
  m.out.flush();
}

bool needsCgroups(const Options& options) {
  return options.listCgroup || options.cgroupInode != 0 || options.cgroupPath.has_value();
}

bool needsCounts(const Options& options) {
  return options.listMapcnt && options.list != ListMode::kNone;
}

int runPageTypes(const Options& options, const ChunkProducer& produce, PageSize pageSize,
                 const CgroupResolver& resolveCgroup, OutputSink& out) {
  if (options.help) {
    out.write(usage());
    return 0;
  }
  if (options.describe) {
    // describe_flags(): "0x%016llx\t%s\t%s\n".
    const uint64_t flags = *options.describe;
    out.write(hex16(flags) + "\t" + kpf::symbolic(flags) + "\t" + kpf::longNames(flags) + "\n");
    return 0;
  }
  Options resolved = options;
  if (resolved.cgroupPath) {
    const std::string& path = *resolved.cgroupPath;
    if (!resolveCgroup) {
      throwUsage("page-types: -c " + path +
                 ": cgroup paths cannot be resolved here; give the inode as -c @INODE");
    }
    const std::optional<uint64_t> inode = resolveCgroup(path);
    if (!inode) {
      throwUsage("page-types: -c " + path +
                 ": no such memory cgroup in the bundle (give the path as it was on the "
                 "captured host, or the inode as -c @INODE)");
    }
    resolved.cgroupInode = *inode;
    resolved.cgroupPath.reset();
  }
  if (!produce) throw Error(ErrorKind::kInternal, "page-types: no page-frame data to walk");
  Engine engine(resolved, pageSize, out);
  do {
    produce(engine.passStart(), [&](const PageFrameChunk& chunk) { return engine.consume(chunk); });
  } while (engine.nextPass());
  engine.finish();
  return 0;
}

}  // namespace memsift::page_types
