// Bundle writer and reader together: round trips, damage of every kind, GNU tar interop.
#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/bundle_writer.h"
#include "common/bundle/tar.h"
#include "common/bundle/zstd_stream.h"
#include "common/error.h"
#include "common/hash/xxhash64.h"
#include "tests/test_support.h"

using namespace memsift;
using namespace memsift::bundle;

namespace {

std::span<const std::byte> bytesOf(std::string_view s) {
  return std::span(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

std::string randomBytes(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i)
    s[i] = static_cast<char>(rng() % 7 == 0 ? rng() : 0);
  return s;
}

struct Sample {
  std::vector<std::pair<std::string, std::string>> members;  // in order, after the manifest
  std::string bundle;
};

// A bundle with text members, a long name, and two page-table chunk ranges.
Sample makeSample(BundleWriterOptions options = {}) {
  Sample s;
  s.members.emplace_back("proc/meminfo", "MemTotal:       16384 kB\nMemFree:  1024 kB\n");
  s.members.emplace_back("proc/1/smaps", std::string(10000, 'x'));
  s.members.emplace_back("proc/empty", "");
  std::string long_dir =
      "sys/fs/cgroup/memory/" + std::string(120, 'a') + "/" + std::string(150, 'b');
  s.members.emplace_back(long_dir + "/memory.stat", "cache 0\nrss 4096\n");
  for (uint64_t chunk = 0; chunk < 2; ++chunk) {
    for (PageTable t : kPageTables) {
      s.members.emplace_back(pageChunkMemberName(t, Pfn(chunk * kPageChunkFrames)),
                             randomBytes(kPageChunkBytes, static_cast<uint32_t>(chunk * 3) +
                                                              static_cast<uint32_t>(t)));
    }
  }
  MemorySink sink;
  BundleWriter w(sink, options);
  w.writeManifest({{"host", {{"hostname", "test"}, {"page_size", 4096}}}});
  for (auto& [name, data] : s.members) {
    auto chunk = parsePageChunkMemberName(name);
    if (chunk) {
      w.addPageChunk(chunk->table, chunk->start, bytesOf(data));
    } else {
      w.addMember(name, data);
    }
  }
  w.recordSource("proc/kmsg", SourceStatus::kDenied, "EACCES");
  w.finish(true, {{"collector", "test"}});
  s.bundle = std::move(sink.bytes);
  return s;
}

struct ReadBack {
  std::vector<std::pair<std::string, std::string>> members;
  std::optional<std::string> damage;
  std::optional<Damage> damage_record;  // the same, as the reader gives it
  std::vector<std::string> problems;
  bool complete = false;
};

ReadBack readBundle(std::string_view bytes) {
  MemorySource src(bytes);
  BundleReader r(src);
  ReadBack out;
  while (r.next()) {
    std::string data;
    // A damaged member is left out; next() goes on after the damage where it can.
    if (!r.readAll(data)) continue;
    out.members.emplace_back(r.current().name, std::move(data));
  }
  out.damage_record = r.damage();
  if (r.damage()) out.damage = r.damage()->text;
  for (const Damage& p : r.problems())
    out.problems.push_back(p.text);
  out.complete = r.complete();
  return out;
}

std::string compress(std::string_view tar_bytes) {
  MemorySink sink;
  ZstdEncoder enc(sink, 3);
  enc.write(bytesOf(tar_bytes));
  enc.endFrame();
  return sink.bytes;
}

std::string tarMember(std::string_view name, std::string_view data) {
  std::string out;
  tar::encodeFileHeader(out, name, data.size(), 0);
  out += data;
  out.append(tar::paddingFor(data.size()), '\0');
  return out;
}

struct Frame {
  size_t offset;
  size_t size;
  bool skippable;
};

// The bundle's zstd frames in order (skippable frames included), found with libzstd alone.
std::vector<Frame> framesOf(std::string_view bundle) {
  std::vector<Frame> out;
  for (size_t at = 0; at < bundle.size();) {
    size_t n = ZSTD_findFrameCompressedSize(bundle.data() + at, bundle.size() - at);
    REQUIRE(!ZSTD_isError(n));
    uint32_t magic = 0;
    std::memcpy(&magic, bundle.data() + at, 4);  // little-endian host (x86_64)
    out.push_back({at, n, (magic & 0xFFFFFFF0u) == 0x184D2A50u});
    at += n;
  }
  return out;
}

std::optional<MemberHint> hintAt(std::string_view bundle, const Frame& f) {
  bool damaged = false;
  auto hint = parseMemberHint(bytesOf(bundle.substr(f.offset, f.size)), damaged);
  CHECK(!damaged);
  return hint;
}

// The first hint announcing a member whose name ends with `suffix`: its frame's index.
size_t hintFrameFor(std::string_view bundle, const std::vector<Frame>& frames,
                    std::string_view suffix) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!frames[i].skippable) continue;
    auto hint = hintAt(bundle, frames[i]);
    if (hint && hint->member.ends_with(suffix)) return i;
  }
  FAIL("no hint for " << suffix);
  return 0;
}

// What a reader that knows nothing of hints sees: libzstd's streaming decoder skips skippable
// frames.
std::string plainDecompress(std::string_view bundle) {
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::string tar_bytes;
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{bundle.data(), bundle.size(), 0};
  size_t ret = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer out{buf.data(), buf.size(), 0};
    ret = ZSTD_decompressStream(dctx, &out, &in);
    if (ZSTD_isError(ret)) break;
    tar_bytes.append(buf.data(), out.pos);
  }
  ZSTD_freeDCtx(dctx);
  REQUIRE(ret == 0);
  return tar_bytes;
}

// Reads with kpagecount and kpagecgroup declared unwanted.
struct SkipRead {
  ReadBack back;
  uint64_t skipped = 0;
  uint64_t decompressed = 0;
};
SkipRead readSkipping(std::string_view bytes) {
  MemorySource src(bytes);
  BundleReader r(src);
  const PageTable unwanted[] = {PageTable::kCount, PageTable::kCgroup};
  r.skipPageTables(unwanted);
  SkipRead out;
  while (r.next()) {
    std::string data;
    if (!r.readAll(data)) continue;
    out.back.members.emplace_back(r.current().name, std::move(data));
  }
  out.back.damage_record = r.damage();
  if (r.damage()) out.back.damage = r.damage()->text;
  for (const Damage& p : r.problems())
    out.back.problems.push_back(p.text);
  out.back.complete = r.complete();
  out.skipped = r.skippedMembers();
  out.decompressed = r.decompressedBytes();
  return out;
}

std::vector<std::pair<std::string, std::string>> withoutSkippedTables(const Sample& s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : s.members) {
    auto chunk = parsePageChunkMemberName(m.first);
    if (!chunk || chunk->table == PageTable::kFlags) out.push_back(m);
  }
  return out;
}

// Rewrites the hint in frame `i` to announce `frame_bytes` (with a valid check: a hint that lies,
// not a damaged one).
std::string withLyingHint(const std::string& bundle, const Frame& f, uint64_t frame_bytes) {
  auto hint = hintAt(bundle, f);
  REQUIRE(hint);
  std::string lie;
  appendMemberHint(lie, hint->member, frame_bytes);
  REQUIRE(lie.size() == f.size);
  std::string out = bundle;
  out.replace(f.offset, f.size, lie);
  return out;
}

}  // namespace

TEST_CASE("xxh64 matches the specification's vectors and zstd's frame checksum") {
  CHECK(xxh64Hex(xxh64("")) == "ef46db3751d8e999");
  CHECK(xxh64Hex(xxh64("abc")) == "44bc2cf5ad770999");
  // zstd stores the low 32 bits of XXH64(content) at the end of a checksummed frame: an
  // independent implementation to compare against, for lengths around every internal boundary.
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  std::string data = randomBytes(5000, 7);
  for (size_t len : {1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 4999}) {
    std::string src = data.substr(0, len);
    std::string dst(ZSTD_compressBound(len), '\0');
    size_t n = ZSTD_compress2(cctx, dst.data(), dst.size(), src.data(), src.size());
    REQUIRE(!ZSTD_isError(n));
    uint32_t stored;
    std::memcpy(&stored, dst.data() + n - 4, 4);
    CAPTURE(len);
    CHECK(stored == static_cast<uint32_t>(xxh64(src)));
    // Incremental updates in odd pieces give the same digest.
    Xxh64 h;
    for (size_t i = 0; i < len; i += 13)
      h.update(std::string_view(src).substr(i, 13));
    CHECK(h.digest() == xxh64(src));
  }
  ZSTD_freeCCtx(cctx);
}

TEST_CASE("bundle round trip keeps every member byte for byte and verifies the index") {
  for (uint64_t frame_bytes : {uint64_t{1}, uint64_t{8} << 20}) {
    BundleWriterOptions options;
    options.frame_bytes = frame_bytes;
    Sample s = makeSample(options);
    ReadBack back = readBundle(s.bundle);
    CHECK(!back.damage);
    CHECK(back.problems == std::vector<std::string>{});
    CHECK(back.complete);
    REQUIRE(back.members.size() == s.members.size());
    for (size_t i = 0; i < s.members.size(); ++i) {
      CHECK(back.members[i].first == s.members[i].first);
      CHECK(back.members[i].second == s.members[i].second);
    }
  }
}

TEST_CASE("bundle manifest and index carry versions, sources and completion") {
  Sample s = makeSample();
  MemorySource src(s.bundle);
  BundleReader r(src);
  CHECK(r.manifest()["format"]["major"] == 1);
  CHECK(r.manifest()["host"]["hostname"] == "test");
  CHECK(r.manifest()["page_chunk_frames"] == kPageChunkFrames);
  size_t chunks = 0;
  while (r.next()) {
    if (r.current().page_chunk) ++chunks;
  }
  CHECK(chunks == 6);
  REQUIRE(r.complete());
  const auto& index = r.index();
  CHECK(index["complete"] == true);
  CHECK(index["collector"] == "test");
  // The member list is checked as it streams by, not kept.
  CHECK(!index.contains("members"));
  CHECK(r.indexEntries() == s.members.size() + 1);  // + manifest.json
  CHECK(r.problems().empty());
  REQUIRE(index["sources"].size() == 1);
  CHECK(index["sources"][0]["status"] == "denied");
}

TEST_CASE("a truncated bundle is reported with the member and byte, members before it intact") {
  Sample s = makeSample();
  // Cut at many points: inside the first frame, near the end, just before the end.
  for (size_t cut : {s.bundle.size() / 3, s.bundle.size() / 2, s.bundle.size() - 600,
                     s.bundle.size() - 100, s.bundle.size() - 1}) {
    CAPTURE(cut);
    ReadBack back = readBundle(std::string_view(s.bundle).substr(0, cut));
    REQUIRE(back.damage);
    CHECK_THAT(*back.damage, Catch::Contains("truncated"));
    CHECK(!back.complete);
    for (size_t i = 0; i < back.members.size(); ++i) {
      CHECK(back.members[i] == s.members[i]);
    }
  }
}

TEST_CASE("truncation message names the member and the byte offset") {
  // Uncompressed framing makes the cut position exact: tar bytes in one frame, cut mid-member.
  std::string tar_bytes = tarMember("manifest.json", R"({"format":{"major":1,"minor":0}})") +
                          tarMember("proc/meminfo", std::string(3000, 'm'));
  std::string cut_tar = tar_bytes.substr(0, tar_bytes.size() - 1096 + 1000);
  // Compress only the cut prefix without ending the frame: the stream ends inside a frame.
  MemorySink sink;
  {
    ZstdEncoder enc(sink, 1);
    enc.write(bytesOf(cut_tar));
    enc.endFrame();
  }
  ReadBack back = readBundle(sink.bytes);
  REQUIRE(back.damage);
  CHECK(*back.damage == "bundle truncated in member proc/meminfo at byte 2976");
  // The same, as a record: which member, how far, what kind.
  REQUIRE(back.damage_record);
  CHECK(back.damage_record->member == "proc/meminfo");
  CHECK(back.damage_record->offset == 2976);
  CHECK(back.damage_record->kind == DamageKind::kTruncated);
}

TEST_CASE("a flipped byte is detected, never crashes, and keeps earlier members") {
  BundleWriterOptions options;
  options.frame_bytes = 1;  // a frame per member: damage stays local
  Sample s = makeSample(options);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 40; ++trial) {
    std::string bad = s.bundle;
    size_t pos = 200 + rng() % (bad.size() - 200);
    bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
    CAPTURE(pos);
    ReadBack back = readBundle(bad);
    CHECK((back.damage.has_value() || !back.problems.empty()));
    CHECK(!back.complete);
  }
}

TEST_CASE("after corrupt data, reading resumes at the next zstd frame and loses one member") {
  BundleWriterOptions options;
  options.frame_bytes = 1;  // a frame per member
  Sample s = makeSample(options);
  // Damage after the manifest's frame only (a broken manifest is "not a bundle").
  size_t manifest_frame = ZSTD_findFrameCompressedSize(s.bundle.data(), s.bundle.size());
  REQUIRE(!ZSTD_isError(manifest_frame));
  std::mt19937 rng(7);
  for (int trial = 0; trial < 40; ++trial) {
    std::string bad = s.bundle;
    size_t pos = manifest_frame + rng() % (bad.size() - manifest_frame);
    bad[pos] = static_cast<char>(bad[pos] ^ (1 << (rng() % 8)));
    CAPTURE(pos);
    ReadBack back = readBundle(bad);
    CHECK(!back.complete);
    // One flipped byte damages one frame, so at most one member is lost or comes back changed,
    // and a member that comes back changed is named by its checksum.
    size_t intact = 0;
    for (const auto& member : back.members) {
      // Not a structured binding: the lambdas below capture it (clang 14 cannot).
      const std::string& name = member.first;
      const auto& data = member.second;
      auto it = std::find_if(s.members.begin(), s.members.end(),
                             [&](const auto& m) { return m.first == name; });
      REQUIRE(it != s.members.end());
      if (it->second == data) {
        ++intact;
        continue;
      }
      bool named = std::any_of(back.problems.begin(), back.problems.end(), [&](const auto& p) {
        return p.find("checksum mismatch in member " + name) != std::string::npos;
      });
      CHECK(named);
    }
    CHECK(intact + 1 >= s.members.size());
    // One damaged frame, one resume: never the same frame found again.
    CHECK(std::count_if(back.problems.begin(), back.problems.end(), [](const std::string& p) {
            return p.starts_with("reading resumed");
          }) <= 1);
  }
}

TEST_CASE("corrupt compressed data in one page chunk: the members after it are still read") {
  BundleWriterOptions options;
  options.frame_bytes = 1;
  Sample s = makeSample(options);
  // Find the frame that holds the second page chunk member (index 5 after the manifest; member
  // hints are skippable frames, not counted) and garble its middle: random page data is stored
  // raw, so the frame checksum catches it.
  std::vector<Frame> frames = framesOf(s.bundle);
  std::erase_if(frames, [](const Frame& f) { return f.skippable; });
  size_t at = frames[6].offset;
  size_t len = frames[6].size;
  std::string bad = s.bundle;
  for (size_t i = 0; i < 64; ++i)
    bad[at + len / 2 + i] = static_cast<char>(bad[at + len / 2 + i] ^ 0x5a);
  ReadBack back = readBundle(bad);
  REQUIRE(back.damage);
  CHECK(!back.complete);
  // Every member after the damaged one is back, byte for byte.
  REQUIRE(back.members.size() >= 3);
  for (size_t k = 1; k <= 3; ++k) {
    const auto& want = s.members[s.members.size() - k];
    const auto& got = back.members[back.members.size() - k];
    CHECK(got.first == want.first);
    CHECK(got.second == want.second);
  }
  std::string all;
  for (const auto& p : back.problems)
    all += p + "\n";
  INFO(*back.damage << "\n" << all);
  CHECK(all.find("reading resumed at compressed byte") != std::string::npos);
}

TEST_CASE("a bundle of a newer major version is refused naming both versions") {
  std::string tar_bytes = tarMember("manifest.json", R"({"format":{"major":2,"minor":3}})");
  tar::encodeEnd(tar_bytes);
  std::string bytes = compress(tar_bytes);
  MemorySource src(bytes);
  try {
    BundleReader r(src);
    FAIL("a newer bundle was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInput);
    CHECK(std::string(e.what()) ==
          "bundle format 2.3 is newer than this memsift reads (1.3); use a newer memsift");
  }
}

TEST_CASE("not a bundle: garbage, plain tar, wrong first member") {
  auto refuse = [](std::string bytes, std::string_view expected) {
    MemorySource src(bytes);
    try {
      BundleReader r(src);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kInput);
      CHECK_THAT(e.what(), Catch::Contains(std::string(expected)));
    }
  };
  refuse("hello world, definitely not zstd", "not a zstd stream");
  refuse("", "not a memsift bundle");
  refuse(compress(tarMember("etc/passwd", "root:x:0:0")), "first member is 'etc/passwd'");
  refuse(compress(std::string(1024, 'z')), "bad tar header");
}

TEST_CASE("member names that are absolute or contain .. are refused") {
  for (std::string_view evil : {"../etc/passwd", "/etc/passwd", "proc/../../x", ".."}) {
    CAPTURE(evil);
    std::string tar_bytes = tarMember("manifest.json", R"({"format":{"major":1,"minor":0}})") +
                            tarMember("proc/meminfo", "ok") + tarMember(evil, "evil");
    tar::encodeEnd(tar_bytes);
    ReadBack back = readBundle(compress(tar_bytes));
    REQUIRE(back.damage);
    CHECK_THAT(*back.damage, Catch::Contains("unsafe member name"));
    CHECK(back.damage_record->kind == DamageKind::kRefused);
    REQUIRE(back.members.size() == 1);
    CHECK(back.members[0].first == "proc/meminfo");
  }
  CHECK(tar::isSafeMemberName("proc/1/smaps"));
  CHECK(tar::isSafeMemberName("a..b/c"));
  CHECK(!tar::isSafeMemberName(""));
}

TEST_CASE("a member claiming an implausible size is refused before allocation") {
  std::string tar_bytes = tarMember("manifest.json", R"({"format":{"major":1,"minor":0}})");
  std::string hdr;
  tar::encodeFileHeader(hdr, "proc/huge", uint64_t{1} << 40, 0);
  tar_bytes += hdr;
  ReadBack back = readBundle(compress(tar_bytes));
  REQUIRE(back.damage);
  CHECK_THAT(*back.damage, Catch::Contains("claims 1099511627776 bytes"));
}

TEST_CASE("GNU tar lists and extracts a bundle, and a bundle re-made by GNU tar reads back") {
  test::TempDir dir;
  Sample s = makeSample();
  test::writeFile(dir / "b.tar.zst", s.bundle);
  auto list = test::run("tar --zstd -tf '" + (dir / "b.tar.zst").string() + "'");
  REQUIRE(list.exit_code == 0);
  std::string expected = "manifest.json\n";
  for (auto& [name, _] : s.members)
    expected += name + "\n";
  expected += "index.json\n";
  CHECK(list.out == expected);

  auto x = test::run("mkdir -p '" + (dir / "x").string() + "' && tar --zstd -xf '" +
                     (dir / "b.tar.zst").string() + "' -C '" + (dir / "x").string() + "'");
  REQUIRE(x.exit_code == 0);
  for (auto& [name, data] : s.members)
    CHECK(test::readFile(dir / "x" / name) == data);

  // Re-make with GNU tar (its own default format, GNU long names) in the original order.
  test::writeFile(dir / "order", list.out);
  auto remake =
      test::run("tar --zstd --no-recursion -cf '" + (dir / "re.tzst").string() + "' -C '" +
                (dir / "x").string() + "' -T '" + (dir / "order").string() + "'");
  REQUIRE(remake.exit_code == 0);
  ReadBack back = readBundle(test::readFile(dir / "re.tzst").substr(0));
  CHECK(!back.damage);
  CHECK(back.problems.empty());
  CHECK(back.complete);
  CHECK(back.members == s.members);
}

TEST_CASE("OutputFile writes under a temporary name and renames only on commit") {
  test::TempDir dir;
  auto target = dir / "out.bundle";
  {
    OutputFile f(target);
    f.write(bytesOf("partial"));
    CHECK(std::filesystem::exists(f.temporaryPath()));
    CHECK(!std::filesystem::exists(target));
  }  // destroyed without commit: nothing is left
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 0);
  {
    OutputFile f(target);
    f.write(bytesOf("whole"));
    f.commit();
  }
  CHECK(test::readFile(target) == "whole");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);
}
TEST_CASE("every page-table member has a frame of its own behind a hint giving its length") {
  Sample s = makeSample();
  std::vector<Frame> frames = framesOf(s.bundle);
  size_t hints = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (!frames[i].skippable) continue;
    auto hint = hintAt(s.bundle, frames[i]);
    REQUIRE(hint);
    REQUIRE(i + 1 < frames.size());
    CHECK(!frames[i + 1].skippable);
    CHECK(hint->frame_bytes == frames[i + 1].size);
    // The frame holds that member alone: its tar header, data and padding.
    std::string out(kPageChunkBytes + 4096, '\0');
    size_t n = ZSTD_decompress(out.data(), out.size(), s.bundle.data() + frames[i + 1].offset,
                               frames[i + 1].size);
    REQUIRE(!ZSTD_isError(n));
    CHECK(n == tar::kBlock + kPageChunkBytes);
    tar::Block block;
    std::memcpy(block.data(), out.data(), block.size());
    tar::Header h;
    REQUIRE(tar::decodeHeader(block, h) == tar::DecodeResult::kHeader);
    CHECK(h.name == hint->member);
    ++hints;
  }
  CHECK(hints == 6);
}

TEST_CASE("a 1.1 bundle decodes with plain libzstd streaming and zstd -dc | tar, as a 1.0 reader") {
  Sample s = makeSample();
  std::string tar_bytes = plainDecompress(s.bundle);
  // The tar inside, compressed again as one plain frame (no hints), reads back whole.
  ReadBack back = readBundle(compress(tar_bytes));
  CHECK(!back.damage);
  CHECK(back.problems.empty());
  CHECK(back.complete);
  CHECK(back.members == s.members);

  test::TempDir dir;
  test::writeFile(dir / "b.tar.zst", s.bundle);
  auto list = test::run("zstd -qdc '" + (dir / "b.tar.zst").string() + "' | tar -tf -");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("pageframes/0000000000020000/kpagecgroup\nindex.json\n") !=
        std::string::npos);
  CHECK(test::run("zstd -qt '" + (dir / "b.tar.zst").string() + "'").exit_code == 0);
}

TEST_CASE("unwanted page tables are skipped without decompressing them") {
  Sample s = makeSample();
  ReadBack all = readBundle(s.bundle);
  MemorySource src(s.bundle);
  BundleReader plain(src);
  while (plain.next()) {
  }
  SkipRead skip = readSkipping(s.bundle);
  CHECK(!skip.back.damage);
  CHECK(skip.back.problems == std::vector<std::string>{});  // skipped is not missing
  CHECK(skip.back.complete);
  CHECK(skip.back.members == withoutSkippedTables(s));
  CHECK(skip.skipped == 4);
  // Four 1 MiB chunks (and their tar headers) were never decompressed.
  CHECK(plain.decompressedBytes() - skip.decompressed == 4 * (kPageChunkBytes + tar::kBlock));

  // Without hints (a 1.0 bundle: the same tar in one plain frame) the unwanted members are
  // decompressed and dropped: the same members come back.
  SkipRead old = readSkipping(compress(plainDecompress(s.bundle)));
  CHECK(!old.back.damage);
  CHECK(old.back.problems == std::vector<std::string>{});
  CHECK(old.back.complete);
  CHECK(old.back.members == withoutSkippedTables(s));
  CHECK(old.skipped == 0);
}

TEST_CASE("a hint that lies about its frame's length is damage, never a crash or a hang") {
  Sample s = makeSample();
  std::vector<Frame> frames = framesOf(s.bundle);
  size_t i = hintFrameFor(s.bundle, frames, "0000000000000000/kpagecount");
  const Frame& member = frames[i + 1];
  SECTION("into the middle of a frame") {
    for (uint64_t len : {member.size - 100, member.size + 7, uint64_t{1}}) {
      CAPTURE(len);
      std::string bad = withLyingHint(s.bundle, frames[i], len);
      SkipRead r = readSkipping(bad);
      REQUIRE(r.back.damage);
      CHECK(!r.back.complete);
      CHECK_THAT(*r.back.damage, Catch::Contains("announces " + std::to_string(len) +
                                                 " compressed bytes, which do not end at a zstd "
                                                 "frame"));
      // Reading resumed at the next frame: the last members are back.
      REQUIRE(!r.back.members.empty());
      CHECK(r.back.members.back() == withoutSkippedTables(s).back());
      // A reader that does not skip checks the length against the frame it decodes: damage,
      // found after the member, which is intact; reading resumes at the next frame.
      ReadBack plain = readBundle(bad);
      REQUIRE(plain.damage);
      CHECK(*plain.damage ==
            "bundle corrupt (the member hint of pageframes/0000000000000000/kpagecount announces " +
                std::to_string(len) + " compressed bytes, its frame has " +
                std::to_string(member.size) + " (at compressed byte " +
                std::to_string(member.offset + member.size) +
                ")) in the tar header after member pageframes/0000000000000000/kpagecount");
      CHECK(!plain.complete);
      CHECK(plain.members == s.members);
    }
  }
  SECTION("announcing no bytes at all") {
    SkipRead r = readSkipping(withLyingHint(s.bundle, frames[i], 0));
    REQUIRE(r.back.damage);
    CHECK_THAT(*r.back.damage, Catch::Contains("damaged member hint"));
    CHECK(r.back.members == withoutSkippedTables(s));
  }
  SECTION("past the end of the bundle") {
    for (uint64_t len : {uint64_t{s.bundle.size()}, ~uint64_t{0}}) {
      CAPTURE(len);
      SkipRead r = readSkipping(withLyingHint(s.bundle, frames[i], len));
      REQUIRE(r.back.damage);
      CHECK(*r.back.damage ==
            "bundle truncated in member pageframes/0000000000000000/kpagecount, "
            "whose frame was being skipped unread");
      CHECK(!r.back.complete);
      CHECK(r.back.members.back().first == "pageframes/0000000000000000/kpageflags");
      ReadBack plain = readBundle(withLyingHint(s.bundle, frames[i], len));
      REQUIRE(plain.damage);
      CHECK_THAT(*plain.damage, Catch::Contains("compressed bytes, its frame has"));
      CHECK(plain.members == s.members);
    }
  }
}

TEST_CASE("a bundle cut inside a skipped frame is truncated there") {
  Sample s = makeSample();
  std::vector<Frame> frames = framesOf(s.bundle);
  size_t i = hintFrameFor(s.bundle, frames, "0000000000020000/kpagecgroup");
  for (size_t cut : {frames[i].offset + 5, frames[i + 1].offset + 3,
                     frames[i + 1].offset + frames[i + 1].size / 2,
                     frames[i + 1].offset + frames[i + 1].size - 1}) {
    CAPTURE(cut);
    SkipRead r = readSkipping(std::string_view(s.bundle).substr(0, cut));
    REQUIRE(r.back.damage);
    CHECK_THAT(*r.back.damage, Catch::StartsWith("bundle truncated"));
    CHECK(!r.back.complete);
    CHECK(r.back.members == withoutSkippedTables(s));  // everything before it
  }
  // Cut right after the skipped frame: the end of the stream at a frame boundary, no index.
  SkipRead r =
      readSkipping(std::string_view(s.bundle).substr(0, frames[i + 1].offset + frames[i + 1].size));
  REQUIRE(r.back.damage);
  CHECK(*r.back.damage ==
        "bundle truncated after member pageframes/0000000000020000/kpagecgroup: "
        "no index.json, the collection did not finish");
}

TEST_CASE("a damaged hint is damage, and reading resumes at the member frame: nothing lost") {
  Sample s = makeSample();
  std::vector<Frame> frames = framesOf(s.bundle);
  size_t i = hintFrameFor(s.bundle, frames, "0000000000000000/kpagecount");
  for (size_t at = 0; at < frames[i].size; ++at) {
    CAPTURE(at);
    std::string bad = s.bundle;
    bad[frames[i].offset + at] = static_cast<char>(bad[frames[i].offset + at] ^ 0x10);
    SkipRead r = readSkipping(bad);
    REQUIRE(r.back.damage);
    CHECK_THAT(*r.back.damage, Catch::Contains("damaged member hint") ||
                                   Catch::Contains("Unknown frame descriptor"));
    CHECK(!r.back.complete);
    // The member behind it is decoded (and dropped) instead of skipped: nothing is lost.
    CHECK(r.back.members == withoutSkippedTables(s));
  }
}
