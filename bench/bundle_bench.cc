// Benchmark of the bundle codec: writes a page-table stream of a given size (synthetic but shaped
// like a real host: runs of identical flags, small map counts, a handful of cgroups) into a
// bundle file, reads it back, and prints the median of several runs for each direction.
//
// usage: memsift-bench-bundle [GiB=1] [runs=5] [dir=/tmp]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/bundle_writer.h"

using namespace memsift;
using namespace memsift::bundle;
using Clock = std::chrono::steady_clock;

namespace {

// Fills one chunk of each table. Runs of equal flags of random length, as page-types shows them.
void fillChunk(std::mt19937_64& rng, std::vector<uint64_t>& flags, std::vector<uint64_t>& counts,
               std::vector<uint64_t>& cgroups) {
  static constexpr uint64_t kFlagSet[] = {0,        0x400,    0x28, 0x2c,      0x5868,   0x582c,
                                          0x40507c, 0x401000, 0x80, 0x4000000, 0x2400028};
  size_t i = 0;
  while (i < flags.size()) {
    size_t run = std::min<size_t>(flags.size() - i, 1 + rng() % 2048);
    uint64_t f = kFlagSet[rng() % std::size(kFlagSet)];
    uint64_t cg = f == 0 ? 0 : 1000 + rng() % 8;
    for (size_t j = 0; j < run; ++j, ++i) {
      flags[i] = f;
      counts[i] = (f & 0x800) ? 1 + (rng() & 1) : 0;
      cgroups[i] = cg;
    }
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  double gib = argc > 1 ? std::atof(argv[1]) : 1.0;
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  std::filesystem::path dir = argc > 3 ? argv[3] : "/tmp";
  uint64_t total_bytes = static_cast<uint64_t>(gib * (1ull << 30));
  uint64_t frames = total_bytes / 24;  // three tables of 8 bytes per frame
  uint64_t chunks = (frames + kPageChunkFrames - 1) / kPageChunkFrames;
  std::filesystem::path path = dir / "memsift-bench.tar.zst";

  std::vector<uint64_t> flags(kPageChunkFrames), counts(kPageChunkFrames),
      cgroups(kPageChunkFrames);
  std::vector<double> write_s, read_s;
  uint64_t compressed = 0;
  for (int r = 0; r < runs; ++r) {
    std::mt19937_64 rng(1);
    // Generation is timed separately and subtracted: the benchmark measures the codec.
    double gen = 0;
    auto t0 = Clock::now();
    {
      OutputFile out(path);
      BundleWriter w(out, {});
      w.writeManifest({{"host", {{"hostname", "bench"}}}});
      for (uint64_t c = 0; c < chunks; ++c) {
        auto g0 = Clock::now();
        fillChunk(rng, flags, counts, cgroups);
        gen += std::chrono::duration<double>(Clock::now() - g0).count();
        Pfn start(c * kPageChunkFrames);
        w.addPageChunk(PageTable::kFlags, start, std::as_bytes(std::span(flags)));
        w.addPageChunk(PageTable::kCount, start, std::as_bytes(std::span(counts)));
        w.addPageChunk(PageTable::kCgroup, start, std::as_bytes(std::span(cgroups)));
      }
      w.finish(true);
      out.commit();
      compressed = w.compressedBytes();
    }
    write_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count() - gen);

    t0 = Clock::now();
    InputFile in(path);
    BundleReader reader(in);
    std::vector<std::byte> buf(kPageChunkBytes);
    uint64_t got = 0;
    while (reader.next()) {
      for (size_t n; (n = reader.read(buf)) > 0;)
        got += n;
    }
    read_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (!reader.complete() || !reader.problems().empty() || got != chunks * 3 * kPageChunkBytes) {
      std::fprintf(stderr, "read back failed\n");
      return 1;
    }
  }
  if (!std::getenv("MEMSIFT_BENCH_KEEP")) std::filesystem::remove(path);
  double mib = static_cast<double>(chunks * 3 * kPageChunkBytes) / (1 << 20);
  std::printf(
      "page-table stream: %.0f MiB (%llu frames x 3 tables), bundle %.1f MiB (ratio %.1f)\n", mib,
      static_cast<unsigned long long>(chunks * kPageChunkFrames),
      static_cast<double>(compressed) / (1 << 20),
      mib / (static_cast<double>(compressed) / (1 << 20)));
  std::printf("write: median %.3f s over %d runs = %.0f MiB/s\n", median(write_s), runs,
              mib / median(write_s));
  std::printf("read:  median %.3f s over %d runs = %.0f MiB/s (decompress, untar, XXH64 verify)\n",
              median(read_s), runs, mib / median(read_s));
  return 0;
}
