// BundleReader with worker threads (setDecodeThreads): the same members, bytes, damage and
// problems as one thread, on an intact bundle and on thousands of damaged ones (flipped bytes
// anywhere, lying hints, cut streams), with and without skipped page tables.
#include <zstd.h>

#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/bundle_writer.h"
#include "common/hash/xxhash64.h"

using namespace memsift;
using namespace memsift::bundle;

namespace {

std::span<const std::byte> bytesOf(std::string_view s) {
  return std::span(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

// Page-table data that compresses like the real thing: mostly zero words, some random.
std::string tableBytes(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    if (rng() % 5 == 0) {
      uint64_t v = rng();
      std::memcpy(s.data() + i, &v, 8);
    }
  }
  return s;
}

// Text members, then 8 PFN ranges of three tables (64 KiB each: more frames than the workers
// keep in flight, so that giving several back is tested), then text again.
std::string makeBundle() {
  MemorySink sink;
  BundleWriterOptions options;
  BundleWriter w(sink, options);
  w.writeManifest({{"host", {{"hostname", "test"}, {"page_size", 4096}}}});
  w.addMember("proc/meminfo", "MemTotal:       16384 kB\nMemFree:  1024 kB\n");
  w.addMember("proc/1/smaps", std::string(10000, 'x'));
  for (uint32_t chunk = 0; chunk < 8; ++chunk) {
    for (PageTable t : kPageTables) {
      std::string data = tableBytes(64 * 1024, chunk * 3 + static_cast<uint32_t>(t));
      w.addPageChunk(t, Pfn(chunk * kPageChunkFrames), bytesOf(data));
    }
  }
  w.addMember("proc/vmstat", "nr_free_pages 1\n");
  w.finish(true, {{"collector", "test"}});
  return std::move(sink.bytes);
}

// Everything a reader says about a bundle, as text to compare.
struct Transcript {
  std::string text;
  uint64_t from_workers = 0;
};

Transcript readAt(std::string_view bytes, unsigned threads, bool skip_tables) {
  MemorySource src(bytes);
  std::ostringstream out;
  Transcript t;
  try {
    BundleReader r(src);
    r.setDecodeThreads(threads);
    if (skip_tables) {
      const PageTable skip[] = {PageTable::kCount, PageTable::kCgroup};
      r.skipPageTables(skip);
    }
    std::string data;
    // Members read whole, and every third one left unread (next() skips the rest).
    for (int i = 0; r.next(); ++i) {
      out << "member " << r.current().name << " " << r.current().size;
      if (i % 3 == 2) {
        out << " unread\n";
        continue;
      }
      bool ok = r.readAll(data, kMaxMemberBytes);
      out << (ok ? " read " : " damaged ") << data.size() << " " << xxh64(data)
          << (r.memberCorrupt() ? " corrupt" : "") << "\n";
    }
    auto damage = [&](const Damage& d) {
      out << "damage " << d.member << " @" << d.offset << " " << static_cast<int>(d.kind) << " "
          << d.text << "\n";
    };
    if (r.damage()) damage(*r.damage());
    for (const Damage& p : r.problems())
      damage(p);
    out << "complete " << r.complete() << " resumes " << r.resumes() << " skipped "
        << r.skippedMembers() << " decompressed " << r.decompressedBytes() << "\n";
    t.from_workers = r.membersFromWorkers();
  } catch (const std::exception& e) {
    out << "refused: " << e.what() << "\n";
  }
  t.text = out.str();
  return t;
}

void checkSameAtEveryThreadCount(std::string_view bytes) {
  for (bool skip : {false, true}) {
    CAPTURE(skip);
    const Transcript one = readAt(bytes, 1, skip);
    CHECK(one.from_workers == 0);
    for (unsigned threads : {2u, 3u}) {
      CAPTURE(threads);
      CHECK(readAt(bytes, threads, skip).text == one.text);
    }
  }
}

}  // namespace

TEST_CASE("worker threads read an intact bundle as one thread does, and do decode it",
          "[parallel]") {
  const std::string bundle = makeBundle();
  checkSameAtEveryThreadCount(bundle);
  const Transcript one = readAt(bundle, 1, false);
  CHECK_THAT(one.text, Catch::Contains("complete 1"));
  // Every page-table member came from a worker (24), none was given back.
  CHECK(readAt(bundle, 3, false).from_workers == 24);
  CHECK(readAt(bundle, 2, true).from_workers == 8);
}

TEST_CASE("worker threads report damage as one thread does: member, offset, words, resumes",
          "[parallel]") {
  const std::string bundle = makeBundle();
  std::mt19937 rng(15);
  SECTION("a flipped bit anywhere") {
    for (int trial = 0; trial < 150; ++trial) {
      std::string bad = bundle;
      size_t pos = rng() % bad.size();
      bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
      CAPTURE(pos);
      checkSameAtEveryThreadCount(bad);
    }
  }
  SECTION("garbled runs inside page-table frames") {
    for (int trial = 0; trial < 40; ++trial) {
      std::string bad = bundle;
      size_t pos = bad.size() / 8 + rng() % (bad.size() * 3 / 4);
      for (size_t i = 0; i < 32 && pos + i < bad.size(); ++i)
        bad[pos + i] = static_cast<char>(rng());
      CAPTURE(pos);
      checkSameAtEveryThreadCount(bad);
    }
  }
  SECTION("a stream cut anywhere") {
    for (int trial = 0; trial < 60; ++trial) {
      size_t cut = rng() % bundle.size();
      CAPTURE(cut);
      checkSameAtEveryThreadCount(std::string_view(bundle).substr(0, cut));
    }
  }
}

namespace {

// One zstd frame of `content`, checksum on, as the zstd tool writes it.
std::string zstdFrame(const std::string& content) {
  std::string out(ZSTD_compressBound(content.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  size_t m = ZSTD_compress2(cctx, out.data(), out.size(), content.data(), content.size());
  ZSTD_freeCCtx(cctx);
  REQUIRE(!ZSTD_isError(m));
  out.resize(m);
  return out;
}

// The bundle with index.json's XXH64 of `member` replaced by another (a member changed after
// the collection, as far as the index can tell): the last zstd frame (proc/vmstat, index.json,
// the end marker) decoded, edited and compressed again, checksum on.
std::string withIndexDigestChanged(const std::string& bundle, const std::string& member) {
  size_t last = 0;
  for (size_t at = 0; at < bundle.size();) {
    size_t n = ZSTD_findFrameCompressedSize(bundle.data() + at, bundle.size() - at);
    REQUIRE(!ZSTD_isError(n));
    last = at;
    at += n;
  }
  std::string frame(1 << 20, '\0');
  size_t n =
      ZSTD_decompress(frame.data(), frame.size(), bundle.data() + last, bundle.size() - last);
  REQUIRE(!ZSTD_isError(n));
  frame.resize(n);
  const std::string key = "{\"name\": \"" + member + "\", \"size\": ";
  size_t entry = frame.find(key);
  REQUIRE(entry != std::string::npos);
  size_t digit = frame.find("\"xxh64\": \"", entry) + 10;
  frame[digit] = frame[digit] == '0' ? '1' : '0';
  return bundle.substr(0, last) + zstdFrame(frame);
}

// The same bundle as `zstd -dc | zstd` would re-make it: one frame, no member hints.
std::string rearchived(const std::string& bundle) {
  std::string plain(16 << 20, '\0');
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ZSTD_inBuffer in{bundle.data(), bundle.size(), 0};
  ZSTD_outBuffer out{plain.data(), plain.size(), 0};
  while (in.pos < in.size)
    REQUIRE(!ZSTD_isError(ZSTD_decompressStream(dctx, &out, &in)));
  ZSTD_freeDCtx(dctx);
  plain.resize(out.pos);
  return zstdFrame(plain);
}

}  // namespace

TEST_CASE("each member is verified once: by its own frame's checksum, else by its XXH64",
          "[parallel]") {
  const std::string bundle = makeBundle();
  const std::string flags = "pageframes/0000000000000000/kpageflags";
  const std::string mismatch = "checksum mismatch in member ";
  SECTION("a page-table member in its hinted frame: the frame checksum verified it") {
    // The index's XXH64 is not what verifies it, at any thread count (a flipped byte in the
    // frame is caught by the frame checksum: the tests above).
    std::string edited = withIndexDigestChanged(bundle, flags);
    checkSameAtEveryThreadCount(edited);
    CHECK_THAT(readAt(edited, 1, false).text, !Catch::Contains(mismatch));
  }
  SECTION("a text member: its XXH64 against the index, at every thread count") {
    std::string edited = withIndexDigestChanged(bundle, "proc/1/smaps");
    checkSameAtEveryThreadCount(edited);
    CHECK_THAT(readAt(edited, 2, false).text, Catch::Contains(mismatch + "proc/1/smaps"));
  }
  SECTION("a bundle re-made by zstd (no hints): page-table members are hashed again") {
    std::string remade = rearchived(withIndexDigestChanged(bundle, flags));
    checkSameAtEveryThreadCount(remade);
    CHECK_THAT(readAt(remade, 1, false).text, Catch::Contains(mismatch + flags));
    CHECK_THAT(readAt(rearchived(bundle), 2, false).text, !Catch::Contains(mismatch));
  }
}
