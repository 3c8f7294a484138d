// Memory blocks that span NUMA nodes, divided by the zones' spans (frames/pfn_layout.h): the
// kernel lab's arm64 5.10 guest, one 1 GiB block over two nodes of 512 MiB.
#include <catch2/catch.hpp>
#include <tuple>
#include <vector>

#include "analyzer/frames/pfn_layout.h"

using namespace memsift;
using frames::PfnLayout;
using frames::PfnRange;

namespace {

std::vector<std::tuple<uint64_t, uint64_t, int>> ranges(const PfnLayout& l) {
  std::vector<std::tuple<uint64_t, uint64_t, int>> out;
  for (const PfnRange& r : l.ranges())
    out.emplace_back(r.start.value(), r.end.value(), r.node);
  return out;
}

constexpr uint64_t kBlock = 262144;  // 1 GiB of 4 KiB frames
constexpr uint64_t kHalf = kBlock / 2;

}  // namespace

TEST_CASE("pfn layout: a block over two nodes is divided where their zones divide it") {
  // memory1 links to node0 and node1; the collector's column named node 1.
  PfnLayout l;
  l.addBlock(Pfn(kBlock), Pfn(2 * kBlock), 1,
             {{Pfn(kBlock), Pfn(kBlock + kHalf), 0}, {Pfn(kBlock + kHalf), Pfn(2 * kBlock), 1}});
  l.finalize();
  CHECK(ranges(l) ==
        decltype(ranges(l)){{kBlock, kBlock + kHalf, 0}, {kBlock + kHalf, 2 * kBlock, 1}});
  PfnLayout::Cursor c(l);
  CHECK(c.nodeOf(Pfn(kBlock + 5)) == 0);
  CHECK(c.nodeOf(Pfn(2 * kBlock - 1)) == 1);
  CHECK(l.nodeCount() == 2);
}

TEST_CASE("pfn layout: a block inside one node's span, or under overlapping spans, stays whole") {
  PfnLayout one;
  one.addBlock(Pfn(kBlock), Pfn(2 * kBlock), 1,
               {{Pfn(0), Pfn(kBlock), 0}, {Pfn(kBlock), Pfn(4 * kBlock), 1}});
  one.finalize();
  CHECK(ranges(one) == decltype(ranges(one)){{kBlock, 2 * kBlock, 1}});
  // Interleaved nodes: both spans cover the whole block; the zones cannot say whose part is whose.
  PfnLayout interleaved;
  interleaved.addBlock(Pfn(kBlock), Pfn(2 * kBlock), 0,
                       {{Pfn(0), Pfn(4 * kBlock), 0}, {Pfn(kBlock / 2), Pfn(3 * kBlock), 1}});
  interleaved.finalize();
  CHECK(ranges(interleaved) == decltype(ranges(interleaved)){{kBlock, 2 * kBlock, 0}});
}

TEST_CASE("pfn layout: what no node's span covers stays with the block's node") {
  PfnLayout l;
  l.addBlock(Pfn(0), Pfn(kBlock), 0, {{Pfn(16), Pfn(kHalf), 0}, {Pfn(kHalf), Pfn(kBlock - 16), 1}});
  l.finalize();
  CHECK(ranges(l) ==
        decltype(ranges(l)){{0, kHalf, 0}, {kHalf, kBlock - 16, 1}, {kBlock - 16, kBlock, 0}});
}
