// The page-frame classifier on synthetic tables shaped like 4.18-era and 6.x kernels' output.
#include <catch2/catch.hpp>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <vector>

#include "analyzer/frames/frame_scanner.h"
#include "common/hash/xxhash64.h"
#include "common/kpf.h"

using namespace memsift;
using namespace memsift::frames;
using kpf::bit;

namespace {

// Raw kpageflags values (page-types hides compound_head/tail in its non-raw view).
constexpr uint64_t kThpHead418 = 0x40507c | bit(kpf::kCompoundHead);  // R U D l A a b t + head
constexpr uint64_t kThpTail418 = 0x401000 | bit(kpf::kCompoundTail);  // a t + tail, nothing else
constexpr uint64_t kAnonMapped = 0x5868;                              // U l A M a b
constexpr uint64_t kFree = bit(kpf::kBuddy);
constexpr uint64_t kSlabAnon = 0x1080;  // slab with the bogus anonymous bit

struct Tables {
  std::vector<uint64_t> flags, counts, cgroups;
  void add(uint64_t n, uint64_t f, uint64_t count = 0, uint64_t cg = 0) {
    flags.insert(flags.end(), n, f);
    counts.insert(counts.end(), n, count);
    cgroups.insert(cgroups.end(), n, cg);
  }
  // A THP of `pages` frames: head then tails.
  void thp(uint64_t pages, uint64_t head, uint64_t tail, uint64_t cg_head, uint64_t cg_tail,
           uint64_t count = 0) {
    add(1, head, count, cg_head);
    add(pages - 1, tail, count, cg_tail);
  }
};

const FrameCensus& scan(FrameScanner& scanner, const Tables& t, size_t chunk, Pfn base = Pfn(0)) {
  for (size_t i = 0; i < t.flags.size(); i += chunk) {
    size_t n = std::min(chunk, t.flags.size() - i);
    scanner.consume({base + PageCount(i), std::span(t.flags).subspan(i, n),
                     std::span(t.counts).subspan(i, n), std::span(t.cgroups).subspan(i, n)});
  }
  return scanner.finish();
}

uint64_t pages(const FrameCensus& c, FrameCategory cat) {
  return c[cat].pages.value();
}

void checkInvariants(const FrameCensus& c) {
  uint64_t sum = 0;
  for (size_t i = 0; i < kFrameCategoryCount; ++i) {
    const CategoryCensus& cat = c.categories[i];
    sum += cat.pages.value();
    uint64_t by_node = std::accumulate(cat.node_pages.begin(), cat.node_pages.end(), uint64_t{0}) +
                       cat.unknown_node_pages.value();
    CHECK(by_node == cat.pages.value());
    if (static_cast<FrameCategory>(i) == FrameCategory::kHole) continue;
    uint64_t by_cgroup = 0;
    for (const auto& [inode, per] : c.cgroups)
      by_cgroup += per[i];
    CHECK(by_cgroup == cat.pages.value());
  }
  CHECK(sum == c.frames.value());
}

}  // namespace

TEST_CASE("4.18-era unmapped THPs are reassembled and charged to the head's cgroup") {
  // The seed's signature at 64 KiB pages: 512 MiB THPs = 8192 frames, tails' cgroup 0.
  Tables t;
  t.add(0x10000, kFree);
  for (int i = 0; i < 3; ++i)
    t.thp(8192, kThpHead418, kThpTail418, 4242, 0);
  t.add(100, kAnonMapped, 1, 77);
  t.add(50, kSlabAnon, 0, 1);
  t.add(1000, bit(kpf::kNopage));
  PfnLayout layout;
  layout.add(Pfn(0), Pfn(0x10000 + 3 * 8192 + 150), 0);
  layout.finalize();
  for (size_t chunk : {size_t{131072}, size_t{1000}, size_t{8192}}) {
    FrameScanner scanner(layout);
    const FrameCensus& c = scan(scanner, t, chunk);
    CAPTURE(chunk);
    CHECK(pages(c, FrameCategory::kAnonThpUnmapped) == 3 * 8192);
    const CategoryCensus& thp = c[FrameCategory::kAnonThpUnmapped];
    CHECK(thp.compounds == 3);
    REQUIRE(thp.compound_sizes.size() == 1);
    CHECK(thp.compound_sizes[0] == std::pair<uint64_t, uint64_t>{8192, 3});
    CHECK(c.cgroups.at(4242)[static_cast<size_t>(FrameCategory::kAnonThpUnmapped)] == 3 * 8192);
    REQUIRE(thp.ranges.size() == 1);  // back to back: one physical range
    CHECK(thp.ranges[0].start == Pfn(0x10000));
    CHECK(thp.ranges[0].pages == PageCount(3 * 8192));
    CHECK(thp.node_pages[0] == 3 * 8192);
    CHECK(pages(c, FrameCategory::kFree) == 0x10000);
    CHECK(pages(c, FrameCategory::kAnonMapped) == 100);
    CHECK(pages(c, FrameCategory::kSlab) == 50);
    CHECK(pages(c, FrameCategory::kAnonUnmapped) == 0);
    CHECK(pages(c, FrameCategory::kHole) == 1000);
    // On the anon LRU: the THPs (by their head) and the mapped anon pages.
    CHECK(c.lru_anon == PageCount(3 * 8192 + 100));
    checkInvariants(c);
  }
}

TEST_CASE("6.x large folios: tails carry the folio's flags and cgroup; partly mapped THPs") {
  constexpr uint64_t kHead = 0x40586c | bit(kpf::kCompoundHead);  // R U l A M a b t
  constexpr uint64_t kTail = 0x40586c | bit(kpf::kCompoundTail);
  Tables t;
  t.thp(512, kHead, kTail, 9, 9, 1);  // mapped whole
  // Partly mapped: head and first 99 tails mapped, the rest not (mmap is per folio).
  t.add(1, kHead, 1, 9);
  t.add(99, kTail, 1, 9);
  t.add(412, kTail, 0, 9);
  // A page-cache large folio (6.x sets thp on file folios too): file, not anon THP.
  constexpr uint64_t kFileHead = 0x40002c | bit(kpf::kCompoundHead);
  constexpr uint64_t kFileTail = 0x40002c | bit(kpf::kCompoundTail);
  t.thp(16, kFileHead, kFileTail, 9, 9, 0);
  t.add(10, 0);  // outside present memory: a hole on 6.x
  PfnLayout layout;
  layout.add(Pfn(0), Pfn(512 + 512 + 16), 1);
  layout.finalize();
  FrameScanner scanner(layout);
  const FrameCensus& c = scan(scanner, t, 300);
  CHECK(pages(c, FrameCategory::kAnonThpMapped) == 512);
  CHECK(pages(c, FrameCategory::kAnonThpPartlyMapped) == 512);
  CHECK(c[FrameCategory::kAnonThpPartlyMapped].unmapped_subpages == PageCount(412));
  CHECK(pages(c, FrameCategory::kFileUnmapped) == 16);
  CHECK(c[FrameCategory::kFileUnmapped].compounds == 1);
  CHECK(pages(c, FrameCategory::kHole) == 10);
  CHECK(c[FrameCategory::kAnonThpMapped].node_pages[1] == 512);
  checkInvariants(c);
}

TEST_CASE("unmapped base anonymous pages, shmem, hugetlb and zero frames") {
  Tables t;
  t.add(64, 0x5028);                                    // U l a b: anon on LRU, not mapped
  t.add(32, 0x4028);                                    // U l b: shmem not mapped
  t.add(16, 0x4828, 1);                                 // U l M b: shmem mapped
  t.add(1, bit(kpf::kHuge) | bit(kpf::kCompoundHead));  // hugetlb page of 8 frames, unmapped
  t.add(7, bit(kpf::kHuge) | bit(kpf::kCompoundTail));
  t.add(20, 0);                         // zero flags inside memory
  t.add(5, 0x5028, uint64_t{1} << 40);  // a bogus huge map count is no mapping
  PfnLayout layout;
  layout.add(Pfn(0), Pfn(200), 0);
  layout.finalize();
  FrameScanner scanner(layout);
  const FrameCensus& c = scan(scanner, t, 1 << 17);
  CHECK(pages(c, FrameCategory::kAnonUnmapped) == 69);
  CHECK(c[FrameCategory::kAnonUnmapped].ranges.size() == 2);
  CHECK(c[FrameCategory::kAnonUnmapped].range_count == 2);
  CHECK(pages(c, FrameCategory::kShmemUnmapped) == 32);
  CHECK(pages(c, FrameCategory::kShmemMapped) == 16);
  CHECK(pages(c, FrameCategory::kHugetlbUnmapped) == 8);
  CHECK(c[FrameCategory::kHugetlbUnmapped].compounds == 1);
  CHECK(pages(c, FrameCategory::kUnflagged) == 20);
  checkInvariants(c);
}

TEST_CASE("gaps between chunks are counted and break compound pages") {
  Tables t;
  t.thp(512, kThpHead418, kThpTail418, 5, 0);
  PfnLayout layout;
  FrameScanner scanner(layout);
  scanner.consume({Pfn(0), std::span(t.flags).first(256), std::span(t.counts).first(256),
                   std::span(t.cgroups).first(256)});
  // The next 100 frames are missing; the rest of the tails arrive orphaned.
  scanner.consume({Pfn(356), std::span(t.flags).subspan(356), std::span(t.counts).subspan(356),
                   std::span(t.cgroups).subspan(356)});
  const FrameCensus& c = scanner.finish();
  CHECK(c.missing_frames == PageCount(100));
  CHECK(c.frames == PageCount(412));
  CHECK(pages(c, FrameCategory::kAnonThpUnmapped) == 256);
  CHECK(pages(c, FrameCategory::kAnonUnmapped) == 156);  // orphan tails: anon, not mapped
  checkInvariants(c);
}

TEST_CASE("more than 100 ranges keep the first 100 and count the rest") {
  Tables t;
  for (int i = 0; i < 250; ++i) {
    t.add(3, 0x5028);
    t.add(1, kFree);
  }
  PfnLayout layout;
  FrameScanner scanner(layout);
  const FrameCensus& c = scan(scanner, t, 77);
  const CategoryCensus& anon = c[FrameCategory::kAnonUnmapped];
  CHECK(anon.ranges.size() == 100);
  CHECK(anon.range_count == 250);
  CHECK(anon.pages == PageCount(750));
  CHECK(anon.ranges[99].start == Pfn(99 * 4));
  checkInvariants(c);
}

namespace {

// Everything a census holds, as text to compare; not the sample of undefined flags, which is
// taken where a run starts (so it depends on the chunks).
std::string describe(const FrameCensus& c) {
  std::ostringstream s;
  s << "frames " << c.frames.value() << " lru " << c.lru_anon.value() << "/" << c.lru_file.value()
    << "/" << c.unevictable.value() << " mlocked " << c.mlocked.value() << " undefined "
    << c.undefined_flag_frames << "/" << c.undefined_sampled << "/" << c.undefined_sampled_swap_fits
    << "\n";
  for (const CategoryCensus& cat : c.categories) {
    s << cat.pages.value() << " " << cat.compounds << " " << cat.unmapped_subpages.value() << " "
      << cat.unknown_node_pages.value() << " " << cat.range_count;
    for (uint64_t n : cat.node_pages)
      s << " n" << n;
    for (const PfnRun& r : cat.ranges)
      s << " r" << r.start.value() << "+" << r.pages.value();
    s << "\n";
  }
  std::map<uint64_t, CategoryPages> cgroups(c.cgroups.begin(), c.cgroups.end());
  for (const auto& [inode, per] : cgroups) {
    s << "cg" << inode;
    for (uint64_t p : per)
      s << " " << p;
    s << "\n";
  }
  for (const CategoryPages& cell : c.map_cells) {
    for (uint64_t p : cell)
      s << p << " ";
  }
  return s.str();
}

}  // namespace

TEST_CASE("runs of equal frames found in bulk count as frame by frame", "[frames]") {
  // Runs of every kind of frame, with changes of cgroup or map count alone inside them, across
  // node boundaries, holes and chunk boundaries. The censuses of these tables, scanned whole and
  // in chunks of 777 frames, are what the scanner gave when it compared one frame at a time
  // (before issue 15; checked then by the digest of their description).
  constexpr uint64_t kFrameByFrame = 0xa5671b6f5d3c016f;
  std::string all;
  const uint64_t kinds[] = {0,
                            kFree,
                            kAnonMapped,
                            0x5028,
                            kSlabAnon,
                            0x5028 | bit(kpf::kMlocked),
                            uint64_t{1} << 50,
                            kThpHead418,
                            kThpTail418};
  const uint64_t cgroups[] = {0, 5, 9};
  const uint64_t counts[] = {0, 1, 2, uint64_t{1} << 31};
  std::mt19937 rng(15);
  for (int trial = 0; trial < 20; ++trial) {
    Tables t;
    while (t.flags.size() < 40000) {
      // The draws are sequenced one per statement: the order of evaluation of operands and
      // arguments is unspecified, and compilers (and g++ at -O0 and -O3) differ in it. This is
      // the order the digest below was taken in.
      const uint64_t r_len = rng(), r_long = rng();
      const uint64_t n = 1 + r_len % (r_long % 4 == 0 ? 3000 : 9);
      const uint64_t r_cg = rng(), r_count = rng(), r_kind = rng();
      t.add(n, kinds[r_kind % std::size(kinds)], counts[r_count % std::size(counts)],
            cgroups[r_cg % std::size(cgroups)]);
    }
    PfnLayout layout;
    layout.add(Pfn(0), Pfn(10007), 0);
    layout.add(Pfn(10007), Pfn(25000), 1);
    layout.add(Pfn(26000), Pfn(60000), 0);  // a hole at 25000..26000
    layout.finalize();
    FrameScanner whole(layout), chunked(layout);
    all += describe(scan(whole, t, t.flags.size())) + describe(scan(chunked, t, 777));
  }
  CHECK(xxh64(all) == kFrameByFrame);
}
