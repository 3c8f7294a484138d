// The layout of kinds of pages in physical memory (see placer.h).
#include "testdata/gen/placer.h"

#include <bit>
#include <stdexcept>

#include "common/kpf.h"

namespace memsift::testgen {

using kpf::bit;

uint64_t Emitter::varied(const Kind& k) {
  if (k.vary == 0) return k.flags;
  return k.flags ^ (rng_.next() & k.vary);
}

void Emitter::fixed(const Kind& k, uint64_t n, uint64_t flags) {
  if (n == 0) return;
  const uint64_t pfn = t_.pos().value();
  t_.run(k.cat, n, {flags, k.count, k.cgroup});
  h_.charge(k.acct, flags, n, pfn, k.cgroup);
}

void Emitter::freePages(const Kind& k, uint64_t n) {
  // Every page of a free block has KPF_BUDDY (fs/proc/page.c tests each page). On 4.18 the
  // first page of each block also carries the PageBuddy type in _mapcount, which kpagecount
  // reports as page_mapcount() = -128 (include/linux/page-flags.h PG_buddy): a huge u64.
  uint64_t pfn = t_.pos().value();
  h_.freeRun(pfn, n, h_.layout.nodeOf(pfn));
  h_.charge(k.acct, k.flags, n, pfn, 0);
  while (n > 0) {
    unsigned order = h_.layout.max_order - 1;
    if (pfn != 0) order = std::min<unsigned>(order, static_cast<unsigned>(std::countr_zero(pfn)));
    order = std::min<unsigned>(order, static_cast<unsigned>(std::bit_width(n) - 1));
    const uint64_t block = uint64_t{1} << order;
    if (buddyMapcount(h_.era)) {
      t_.run(Cat::kFree, 1, {k.flags, 0xffffffffffffff80ULL, 0});
      t_.run(Cat::kFree, block - 1, {k.flags, 0, 0});
    } else {
      t_.run(Cat::kFree, block, {k.flags, 0, 0});
    }
    pfn += block;
    n -= block;
  }
}

void Emitter::folio(const Kind& k, uint64_t head_flags) {
  const uint64_t pfn = t_.pos().value();
  t_.compound(k.cat, k.pages(), {head_flags, k.count, k.cgroup}, k.count);
  h_.charge(k.acct, head_flags, k.pages(), pfn, k.cgroup);
}

void Emitter::emit(const Kind& k, uint64_t n) {
  if (k.free) {
    freePages(k, n);
    return;
  }
  if (k.order > 0) {
    if (n % k.pages() != 0 || t_.pos().value() % k.pages() != 0)
      throw std::logic_error("misaligned folios of " + k.name);
    for (uint64_t i = 0; i < n / k.pages(); ++i)
      folio(k, varied(k));
    return;
  }
  while (n > 0) {
    const uint64_t len = std::min<uint64_t>(n, rng_.range(1, std::max<uint64_t>(k.max_run, 1)));
    fixed(k, len, varied(k));
    n -= len;
  }
}

namespace {
// Picks an index with probability proportional to weights[i]; -1 if all are zero.
int pick(Rng& rng, const std::vector<uint64_t>& weights) {
  uint64_t total = 0;
  for (uint64_t w : weights)
    total += w;
  if (total == 0) return -1;
  uint64_t r = rng.range(0, total - 1);
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return static_cast<int>(i);
    r -= weights[i];
  }
  return -1;
}
}  // namespace

void streamFill(Emitter& e, uint64_t end, std::vector<Quota> quotas, uint64_t chunk) {
  Rng& rng = e.rng();
  uint64_t pos = e.tables().pos().value();
  uint64_t sum = 0;
  for (const Quota& q : quotas)
    sum += q.pages;
  if (sum != end - pos) throw std::logic_error("quotas do not fill the range");

  std::vector<size_t> huge, small;
  for (size_t i = 0; i < quotas.size(); ++i)
    (quotas[i].kind->pages() >= chunk && chunk > 1 ? huge : small).push_back(i);
  uint64_t huge_chunks = 0;
  for (size_t i : huge)
    huge_chunks += quotas[i].pages / chunk;

  // The current run of the small-kind stream.
  size_t cur = 0;
  uint64_t cur_left = 0;
  // Folios must start aligned to their size. Base-page runs are whole multiples of the largest
  // small folio (`grain`) except each kind's last run; the misalignments those leave are filled
  // from free memory, of which a reserve is held back until the other kinds are laid out.
  uint64_t grain = 1;
  long filler = -1;
  for (size_t s : small) {
    grain = std::max(grain, quotas[s].kind->pages());
    if (quotas[s].kind->free &&
        (filler < 0 || quotas[s].pages > quotas[static_cast<size_t>(filler)].pages))
      filler = static_cast<long>(s);
  }
  const uint64_t reserve = grain > 1 ? grain * 2 * (small.size() + 2) : 0;
  if (grain > 1 && (filler < 0 || quotas[static_cast<size_t>(filler)].pages < reserve))
    throw std::logic_error("folios of several sizes need free memory to align them");
  auto smallWeights = [&]() {
    std::vector<uint64_t> w(small.size());
    bool any = false;
    for (size_t j = 0; j < small.size(); ++j) {
      w[j] = quotas[small[j]].pages;
      if (static_cast<long>(small[j]) == filler) w[j] = w[j] > reserve ? w[j] - reserve : 0;
      any = any || w[j] != 0;
    }
    if (!any && filler >= 0)  // only the reserve is left
      for (size_t j = 0; j < small.size(); ++j)
        if (static_cast<long>(small[j]) == filler) w[j] = quotas[small[j]].pages;
    return w;
  };
  auto takeFiller = [&](uint64_t n) {
    if (filler < 0 || quotas[static_cast<size_t>(filler)].pages < n)
      throw std::logic_error("out of free memory to align folios at PFN " + std::to_string(pos) +
                             " (range ends at " + std::to_string(end) + ", " + std::to_string(n) +
                             " pages needed)");
    cur = static_cast<size_t>(filler);
    cur_left = n;
    quotas[cur].pages -= n;
  };
  // Emits `need` pages from the small stream, keeping folios aligned.
  auto fillSmall = [&](uint64_t need) {
    while (need > 0) {
      if (cur_left == 0) {
        int j = pick(rng, smallWeights());
        if (j < 0) throw std::logic_error("small quotas exhausted early");
        cur = small[static_cast<size_t>(j)];
        const Kind& k = *quotas[cur].kind;
        const uint64_t unit = k.pages();
        if (pos % unit != 0) {
          // Realign to the grain, not just this folio: afterwards every run but each kind's
          // last one is a whole number of grains, so misalignments stay as few as the kinds.
          takeFiller(std::min(need, grain - pos % grain));
        } else {
          const uint64_t max_units = std::max<uint64_t>(1, k.max_run);
          uint64_t len = rng.range(1, max_units) * unit;
          len = (len + grain - 1) / grain * grain;
          cur_left = std::min(quotas[cur].pages, len);
          quotas[cur].pages -= cur_left;
        }
      }
      const Kind& k = *quotas[cur].kind;
      uint64_t take = std::min(need, cur_left);
      if (k.order > 0 && take % k.pages() != 0) {
        // The range ends inside a folio: give the run back, close with free pages.
        quotas[cur].pages += cur_left;
        cur_left = 0;
        takeFiller(need);
        continue;
      }
      e.emit(k, take);
      cur_left -= take;
      need -= take;
      pos += take;
    }
  };

  if (huge.empty()) {
    fillSmall(end - pos);
  } else {
    if (pos % chunk != 0 || (end - pos) % chunk != 0)
      throw std::logic_error("a range with huge folios must be chunk-aligned");
    uint64_t chunks_left = (end - pos) / chunk;
    while (chunks_left > 0) {
      if (huge_chunks > 0 && rng.range(0, chunks_left - 1) < huge_chunks) {
        std::vector<uint64_t> w(huge.size());
        for (size_t j = 0; j < huge.size(); ++j)
          w[j] = quotas[huge[j]].pages;
        const size_t i = huge[static_cast<size_t>(pick(rng, w))];
        const Kind& k = *quotas[i].kind;
        e.emit(k, k.pages());
        quotas[i].pages -= k.pages();
        --huge_chunks;
        pos += chunk;
      } else {
        fillSmall(chunk);
      }
      --chunks_left;
    }
  }
  if (cur_left != 0) throw std::logic_error("stream run left over");
}

}  // namespace memsift::testgen

namespace memsift::testgen {
std::vector<std::vector<Quota>> splitOverSegments(const std::vector<Quota>& quotas,
                                                  const std::vector<Range>& segments,
                                                  const Kind* filler) {
  uint64_t total = 0;
  for (const Range& s : segments)
    total += s.pages;
  std::vector<std::vector<Quota>> out(segments.size());
  std::vector<uint64_t> used(segments.size(), 0);
  for (const Quota& q : quotas) {
    uint64_t left = q.pages;
    for (size_t i = 0; i < segments.size(); ++i) {
      const bool last = i + 1 == segments.size();
      uint64_t share = last ? left
                            : static_cast<uint64_t>(static_cast<double>(q.pages) *
                                                    static_cast<double>(segments[i].pages) /
                                                    static_cast<double>(total));
      share -= share % q.kind->pages();
      share = std::min(share, left);
      out[i].push_back({q.kind, share});
      used[i] += share;
      left -= share;
    }
    if (left != 0) throw std::logic_error("quota of " + q.kind->name + " not a folio multiple");
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (used[i] > segments[i].pages) throw std::logic_error("quotas exceed a memory segment");
    out[i].push_back({filler, segments[i].pages - used[i]});
  }
  return out;
}
}  // namespace memsift::testgen
