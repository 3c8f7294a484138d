// The page-frame tables. Facts from fs/proc/page.c and Documentation/admin-guide/mm/pagemap.rst:
// one native-endian u64 per PFN at offset PFN*8; a read must start at a multiple of 8 and ask for
// a multiple of 8 bytes (else EINVAL); stat(2) reports size 0, so the end is where kpageflags
// returns 0; all three files have the same length; kpagecgroup exists only with CONFIG_MEMCG.
#include "collector/page_table_reader.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "collector/page_table_threads.h"
#include "collector/text_reader.h"
#include "common/bundle/bundle_format.h"
#include "common/bundle/members.h"

namespace memsift::collector {

using bundle::kPageChunkBytes;
using bundle::kPageChunkFrames;
using bundle::PageTable;

struct PageTableReader::Table {
  PageTable table;
  std::string source;  // "proc/kpageflags"
  UniqueFd fd;
  bool healthy = false;  // open and not yet failed or ended early
};

PageTableReader::PageTableReader(const SystemRoot& root, Recorder& out, StopControl& stop,
                                 bool parallel)
    : root_(root),
      out_(out),
      stop_(stop),
      buffer_(std::make_unique_for_overwrite<uint64_t[]>(3 * kPageChunkFrames)) {
  if (parallel) upper_.emplace();
}

size_t PageTableReader::readChunk(int fd, std::byte* buf, size_t length, int& err, bool& stopped) {
  return readRange(fd, buf, length, std::nullopt, err, [&] {
    if (stop_.check() == StopReason::kNone) return false;
    stopped = true;
    return true;
  });
}

void PageTableReader::readChunkInHalves(std::span<const Table> tables, std::byte* bufs,
                                        uint64_t offset, std::array<TableRead, 3>& out,
                                        bool& stopped) {
  // Whole chunks of every open table: kpagecount and kpagecgroup past kpageflags' end are
  // dropped by the caller (all three files have the same length).
  constexpr size_t kLower = kPageChunkBytes / 2;
  std::array<RangeReader::Range, 3> upper;
  size_t ranges = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (!tables[i].healthy) continue;
    upper[ranges++] = {tables[i].fd.get(), bufs + i * kPageChunkBytes + kLower,
                       kPageChunkBytes - kLower, offset + kLower};
  }
  upper_->start(std::span(upper.data(), ranges));
  std::array<size_t, 3> lower_got{};
  out = {};
  for (size_t i = 0; i < 3 && !stopped; ++i) {
    if (!tables[i].healthy) continue;
    lower_got[i] =
        readRange(tables[i].fd.get(), bufs + i * kPageChunkBytes, kLower, offset, out[i].err, [&] {
          if (stop_.check() == StopReason::kNone) return false;
          stopped = true;
          return true;
        });
    out[i].got = lower_got[i];
  }
  std::span<const RangeReader::Range> done = upper_->finish();
  for (size_t i = 0, r = 0; i < 3; ++i) {
    if (!tables[i].healthy) continue;
    const RangeReader::Range& u = done[r++];
    // The file ends (or failed) in the lower half: the upper half is not there.
    if (lower_got[i] < kLower) continue;
    out[i].got = kLower + u.got;
    out[i].err = u.err;
  }
}

namespace {
std::string pfnText(uint64_t pfn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "PFN 0x%" PRIx64, pfn);
  return buf;
}
}  // namespace

uint64_t PageTableReader::run() {
  Table tables[3];
  for (PageTable t : bundle::kPageTables) {
    Table& tb = tables[static_cast<int>(t)];
    tb.table = t;
    tb.source = bundle::members::pageTableSource(t);
    int err = 0;
    tb.fd = root_.open(tb.source, 0, err);
    tb.healthy = tb.fd.valid();
    if (!tb.healthy) {
      out_.source(tb.source, statusForErrno(err), errnoDetail(err));
      if (t == PageTable::kFlags) flags_status_ = statusForErrno(err);
    }
  }
  Table& flags = tables[0];
  if (!flags.healthy) {
    for (Table& tb : tables) {
      if (tb.healthy) {
        out_.source(tb.source, SourceStatus::kError, "not read: proc/kpageflags is unavailable");
      }
    }
    return 0;
  }
  if (out_.dryRun()) {
    for (Table& tb : tables) {
      if (tb.healthy) {
        out_.planned(std::string(bundle::kPageFramesDir) + "*/" +
                     std::string(bundle::pageTableName(tb.table)) + "  (from " + tb.source + ", " +
                     std::to_string(kPageChunkBytes >> 20) + " MiB per chunk)");
      }
    }
    return 0;
  }

  // Chunk k is compressed on the compressor's thread while chunk k+1 is read, and written once
  // chunk k+1 has been read: two sets of compressed tables, the one written and the one filled.
  std::array<std::array<bundle::CompressedPageChunk, 3>, 2> compressed;
  ChunkCompressor compressor(out_.pageChunkCompressor());
  std::array<uint64_t, 3> buffer_job{};  // the last compression of each table's buffer
  struct Pending {
    bool any = false;
    std::array<bool, 3> present{};
    size_t set = 0;
    uint64_t last_job = 0;
  } pending;
  auto writePending = [&] {
    if (!pending.any) return;
    compressor.wait(pending.last_job);
    for (size_t i = 0; i < 3; ++i) {
      if (pending.present[i]) out_.pageChunk(compressed[pending.set][i]);
    }
    pending.any = false;
  };
  auto* bufs = reinterpret_cast<std::byte*>(buffer_.get());
  // Reads into table i's buffer once its last compression is done with it.
  auto readTable = [&](size_t i, size_t length, int& err, bool& stopped) {
    compressor.wait(buffer_job[i]);
    return readChunk(tables[i].fd.get(), bufs + i * kPageChunkBytes, length, err, stopped);
  };
  std::array<TableRead, 3> halves;  // --jobs 2: the three tables' chunk, read in halves

  uint64_t frames_total = 0;
  for (uint64_t k = 0;; ++k) {
    const uint64_t start = k * kPageChunkFrames;
    const size_t set = k % 2;
    auto compress = [&](size_t i, size_t length) {
      buffer_job[i] =
          compressor.submit(tables[i].table, Pfn(start),
                            std::span(bufs + i * kPageChunkBytes, length), compressed[set][i]);
    };
    bool stopped = false;
    int err = 0;
    size_t got = 0;
    if (upper_) {
      for (uint64_t job : buffer_job)
        compressor.wait(job);
      readChunkInHalves(tables, bufs, start * 8, halves, stopped);
      got = halves[0].got;
      err = halves[0].err;
    } else {
      got = readTable(0, kPageChunkBytes, err, stopped);
    }
    size_t whole = got & ~size_t{7};
    size_t frames = whole / 8;
    size_t lengths[3] = {whole, 0, 0};
    if (!stopped && whole > 0) compress(0, whole);
    // The other two tables of this chunk, right after, for the same frames.
    for (size_t i = 1; i < 3 && !stopped && err == 0; ++i) {
      Table& tb = tables[i];
      if (!tb.healthy || whole == 0) continue;
      int terr = 0;
      size_t n = 0;
      if (upper_) {
        n = std::min(halves[i].got, whole);
        terr = halves[i].got >= whole ? 0 : halves[i].err;  // an error past kpageflags' end
      } else {
        n = readTable(i, whole, terr, stopped);
      }
      if (stopped) break;
      lengths[i] = n & ~size_t{7};
      if (lengths[i] > 0) compress(i, lengths[i]);
      if (n < whole) {
        tb.healthy = false;
        if (terr != 0) {
          out_.source(tb.source, statusForErrno(terr),
                      errnoDetail(terr) + " at " + pfnText(start + n / 8));
        } else {
          out_.source(tb.source, SourceStatus::kTruncated,
                      "ends at " + pfnText(start + n / 8) + ", before proc/kpageflags");
        }
      }
    }
    // The chunk before is whole: written now, whatever happens to this one.
    writePending();
    if (stopped) {
      // A chunk cut by a stop is dropped whole: the three tables of a stored chunk always
      // describe the same frames. Earlier chunks stay.
      std::string why = stop_.describe() + ": stopped at " + pfnText(start);
      for (Table& tb : tables) {
        if (tb.healthy) out_.source(tb.source, SourceStatus::kTruncated, why);
      }
      flags_status_ = SourceStatus::kTruncated;
      break;
    }
    if (err != 0) {
      flags_status_ = statusForErrno(err);
      out_.source(flags.source, statusForErrno(err),
                  errnoDetail(err) + " at " + pfnText(start + frames));
    }
    if (frames > 0) {
      pending = {true,
                 {lengths[0] > 0, lengths[1] > 0, lengths[2] > 0},
                 set,
                 *std::max_element(buffer_job.begin(), buffer_job.end())};
      frames_total += frames;
    }
    if (err != 0) break;
    if (got < kPageChunkBytes) {
      // The end of kpageflags. A tail that is not a whole frame can only come from a regular
      // file given with --root; it is not a frame, so it is not stored.
      if (got != whole) {
        out_.source(flags.source, SourceStatus::kTruncated,
                    std::to_string(got - whole) + " trailing bytes after " +
                        pfnText(start + frames) + " are not a whole frame");
      }
      break;
    }
  }
  writePending();
  return frames_total;
}

}  // namespace memsift::collector
