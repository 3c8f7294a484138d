// The page-frame tables. Facts from fs/proc/page.c and Documentation/admin-guide/mm/pagemap.rst:
// one native-endian u64 per PFN at offset PFN*8; a read must start at a multiple of 8 and ask for
// a multiple of 8 bytes (else EINVAL); stat(2) reports size 0, so the end is where kpageflags
// returns 0; all three files have the same length; kpagecgroup exists only with CONFIG_MEMCG.
#include "collector/page_table_reader.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <thread>

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
      buffer_(std::make_unique_for_overwrite<uint64_t[]>(3 * kPageChunkFrames)),
      parallel_(parallel) {}

namespace {

// Reads until `length` bytes are in, the file ends, read(2) fails (`err`), or `stopped()` says so
// before a read. One read(2) asks for the whole rest of the chunk: the kernel fills it in one
// call (kpageflags_read() loops over the PFNs itself), so a chunk costs one system call.
template <class Stopped>
size_t readLoop(int fd, std::byte* buf, size_t length, int& err, Stopped stopped) {
  size_t got = 0;
  err = 0;
  while (got < length && !stopped()) {
    ssize_t n = ::read(fd, buf + got, length - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return got;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

}  // namespace

size_t PageTableReader::readChunk(int fd, std::byte* buf, size_t length, int& err) {
  return readLoop(fd, buf, length, err, [] { return false; });
}

size_t PageTableReader::readFull(int fd, std::byte* buf, size_t length, int& err, bool& stopped) {
  return readLoop(fd, buf, length, err, [&] {
    if (stop_.check() == StopReason::kNone) return false;
    stopped = true;
    return true;
  });
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

  uint64_t frames_total = 0;
  for (uint64_t start = 0;; start += kPageChunkFrames) {
    bool stopped = false;
    int err = 0;
    auto* bufs = reinterpret_cast<std::byte*>(buffer_.get());
    // --jobs 2: the other two tables of the chunk are read meanwhile, a whole chunk each (all
    // three files have the same length; what goes past kpageflags' end is dropped below, and
    // reading ends with this chunk).
    struct Ahead {
      size_t n = 0;
      int err = 0;
    } ahead[3];
    std::thread other;
    if (parallel_) {
      other = std::thread([&] {
        for (int i = 1; i < 3; ++i) {
          if (tables[i].healthy) {
            ahead[i].n = readChunk(tables[i].fd.get(), bufs + i * kPageChunkBytes, kPageChunkBytes,
                                   ahead[i].err);
          }
        }
      });
    }
    size_t got = readFull(flags.fd.get(), bufs, kPageChunkBytes, err, stopped);
    if (other.joinable()) other.join();
    size_t whole = got & ~size_t{7};
    size_t frames = whole / 8;
    size_t lengths[3] = {whole, 0, 0};
    // The other two tables of this chunk, right after, for the same frames.
    for (int i = 1; i < 3 && !stopped && err == 0; ++i) {
      Table& tb = tables[i];
      if (!tb.healthy || whole == 0) continue;
      int terr = ahead[i].err;
      size_t n = parallel_
                     ? std::min(ahead[i].n, whole)
                     : readFull(tb.fd.get(), bufs + i * kPageChunkBytes, whole, terr, stopped);
      if (parallel_ && ahead[i].n >= whole) terr = 0;  // an error past kpageflags' end
      if (stopped) break;
      lengths[i] = n & ~size_t{7};
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
      for (int i = 0; i < 3; ++i) {
        if (lengths[i] == 0) continue;
        out_.pageChunk(tables[i].table, Pfn(start),
                       std::span(bufs + i * kPageChunkBytes, lengths[i]));
      }
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
  return frames_total;
}

}  // namespace memsift::collector
