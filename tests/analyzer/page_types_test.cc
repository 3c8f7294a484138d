// Tests of the KPF table and the offline page-types engine, against real page-types output.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "analyzer/page_types/page_types.h"
#include "analyzer/page_types/page_types_options.h"
#include "common/error.h"
#include "common/kpf.h"
#include "tests/test_support.h"

namespace memsift::page_types {
namespace {

namespace fs = std::filesystem;
using kpf::bit;

struct Tables {
  std::vector<uint64_t> flags;
  std::vector<uint64_t> counts;   // empty: not captured
  std::vector<uint64_t> cgroups;  // empty: not captured
};

struct ProducerStats {
  size_t calls = 0;
  size_t chunks = 0;
};

// Serves the tables in chunks of chunkFrames, as a bundle reader would.
ChunkProducer producerFor(const Tables& t, size_t chunkFrames, ProducerStats* stats = nullptr) {
  return [&t, chunkFrames, stats](Pfn from, const ChunkVisitor& visit) {
    if (stats != nullptr) ++stats->calls;
    const size_t n = t.flags.size();
    for (uint64_t s = from.value() / chunkFrames * chunkFrames; s < n; s += chunkFrames) {
      const size_t len = std::min<size_t>(chunkFrames, n - s);
      PageFrameChunk c{Pfn(s), std::span(t.flags).subspan(s, len), {}, {}};
      if (!t.counts.empty()) c.counts = std::span(t.counts).subspan(s, len);
      if (!t.cgroups.empty()) c.cgroups = std::span(t.cgroups).subspan(s, len);
      if (stats != nullptr) ++stats->chunks;
      if (!visit(c)) return;
    }
  };
}

std::string run(const std::vector<std::string>& args, const Tables& t, size_t chunkFrames = 1000,
                PageSize pageSize = PageSize(4096), const CgroupResolver& resolver = {}) {
  std::vector<std::string> all = args;
  all.push_back("bundle");
  StringSink out;
  // Not inside REQUIRE: tests of errors need the exception itself.
  const int code =
      runPageTypes(parseOptions(all), producerFor(t, chunkFrames), pageSize, resolver, out);
  CHECK(code == 0);
  return out.text;
}

template <typename F>
std::string errorOf(ErrorKind kind, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(static_cast<int>(e.kind()) == static_cast<int>(kind));
    return e.what();
  }
  FAIL("no memsift::Error thrown");
  return {};
}

const std::string kHeader =
    "             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags\n";

std::string row(uint64_t flags, uint64_t pages, uint64_t mb) {
  char b[64];
  std::snprintf(b, sizeof b, "0x%016llx\t%10llu %8llu  ", static_cast<unsigned long long>(flags),
                static_cast<unsigned long long>(pages), static_cast<unsigned long long>(mb));
  return b + kpf::symbolic(flags) + "\t" + kpf::longNames(flags) + "\n";
}

std::string total(uint64_t pages, uint64_t mb) {
  char b[64];
  std::snprintf(b, sizeof b, "             total\t%10llu %8llu\n",
                static_cast<unsigned long long>(pages), static_cast<unsigned long long>(mb));
  return b;
}

// ---- The reference outputs of the kernel's page-types ---------------------------------------

const fs::path kReferenceDir = "reference/page-types/x86_64-6.18-idle";

std::vector<std::string> splitWords(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// page-types without -M compares its never-initialised kpagecount buffer (walk_pfn()'s cnt[]) when
// it merges -l runs, so the reference splits some runs where that stack garbage changes: near the
// top of each 64 Ki-entry read batch (offsets 0xfd91-0xffff on the reference host). Only such
// splits are undone here: two rows with the same flags, contiguous, the second starting in that
// window. (The split at each batch start is page-types' own rule, which memsift reproduces: the
// voffset it compares restarts with every batch.) Returns the number of rows merged.
size_t mergeUninitialisedMapcountSplits(std::string& text) {
  std::vector<std::string> lines = splitLines(text);
  std::vector<std::string> kept;
  size_t merged = 0;
  bool inList = false;
  uint64_t prevStart = 0;
  uint64_t prevLength = 0;
  for (const std::string& line : lines) {
    if (line == "offset\tlen\tflags") {
      inList = true;
      kept.push_back(line);
      continue;
    }
    if (!inList || line.empty()) {
      inList = false;
      kept.push_back(line);
      continue;
    }
    const size_t t1 = line.find('\t');
    const size_t t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    const uint64_t start = std::stoull(line.substr(0, t1), nullptr, 16);
    const uint64_t length = std::stoull(line.substr(t1 + 1, t2 - t1 - 1), nullptr, 16);
    const std::string flags = line.substr(t2 + 1);
    const uint64_t inBatch = start % 65536;
    if (!kept.empty() && prevStart + prevLength == start && kept.back().ends_with("\t" + flags) &&
        inBatch >= 0xfd00) {
      prevLength += length;
      char b[64];
      std::snprintf(b, sizeof b, "%llx\t%llx\t", static_cast<unsigned long long>(prevStart),
                    static_cast<unsigned long long>(prevLength));
      kept.back() = b + flags;
      ++merged;
      continue;
    }
    prevStart = start;
    prevLength = length;
    kept.push_back(line);
  }
  std::string out;
  for (const std::string& l : kept)
    out += l + "\n";
  text = out;
  return merged;
}

struct Reference {
  std::string name;
  std::vector<std::string> args;  // without "page-types -F kpageflags"
  std::string expected;
};

TEST_CASE("page-types: every x86_64-6.18-idle reference, byte for byte", "[page_types]") {
  const fs::path dir = test::sharedDir() / kReferenceDir;
  if (!fs::is_directory(dir)) test::skipTest("no reference data at " + dir.string());
  const std::string raw = test::readFile(dir / "kpageflags.zst");
  REQUIRE(raw.size() % 8 == 0);
  Tables tables;
  tables.flags.resize(raw.size() / 8);
  std::memcpy(tables.flags.data(), raw.data(), raw.size());
  const PageSize pageSize(std::stoull(test::readFile(dir / "page-size")));

  std::vector<Reference> refs;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".cmd") continue;
    Reference r;
    r.name = e.path().stem().string();
    std::vector<std::string> words = splitWords(test::readFile(e.path()));
    REQUIRE(words.size() >= 3);
    REQUIRE(words[0] == "page-types");
    REQUIRE(words[1] == "-F");
    REQUIRE(words[2] == "kpageflags");
    r.args.assign(words.begin() + 3, words.end());
    const fs::path txt = dir / (r.name + ".txt");
    r.expected = test::readFile(fs::exists(txt) ? txt : fs::path(txt.string() + ".zst"));
    refs.push_back(std::move(r));
  }
  std::sort(refs.begin(), refs.end(), [](auto& a, auto& b) { return a.name < b.name; });
  REQUIRE(refs.size() >= 8);

  for (Reference& r : refs) {
    const bool rangeList = std::find(r.args.begin(), r.args.end(), "-l") != r.args.end();
    if (rangeList) {
      // The three -l references all carry such splits; none other may be touched.
      CHECK(mergeUninitialisedMapcountSplits(r.expected) > 0);
    }
    for (size_t chunkFrames : {size_t{131072}, size_t{1000}}) {
      INFO("reference " << r.name << ", chunks of " << chunkFrames << " frames");
      const std::string got = run(r.args, tables, chunkFrames, pageSize);
      // REQUIRE on a bool keeps Catch from printing megabytes on a mismatch; the first differing
      // line says where.
      if (got != r.expected) {
        const std::vector<std::string> a = splitLines(got);
        const std::vector<std::string> b = splitLines(r.expected);
        size_t i = 0;
        while (i < a.size() && i < b.size() && a[i] == b[i])
          ++i;
        INFO("first difference at line " << i + 1 << ":\n  got      "
                                         << (i < a.size() ? a[i] : "<end>") << "\n  expected "
                                         << (i < b.size() ? b[i] : "<end>"));
        CHECK(false);
      }
    }
  }
}

TEST_CASE("page-types: summary rows are in page-types' hash-slot order", "[page_types]") {
  // 0x2000 starts at slot 0, read as 1; 0x1 then finds 1 taken and takes 2; 0x2001 takes 3;
  // 0x1fff takes the last slot and 0x3fff wraps past it to 1 (taken), 2, 3, then 4. Flags 0 are
  // slot 0 whenever they come.
  Tables t;
  t.flags = {0x2000, 0x1, 0x1, 0x2001, 0x1fff, 0x3fff, 0, 0x2000};
  const std::string expected = kHeader + row(0, 1, 0) + row(0x2000, 2, 0) + row(0x1, 2, 0) +
                               row(0x2001, 1, 0) + row(0x3fff, 1, 0) + row(0x1fff, 1, 0) +
                               total(8, 0);
  CHECK(run({}, t, 3) == expected);
  CHECK(run({}, t, 1) == expected);
}

TEST_CASE("page-types: 4.18-era THP tails and nopage holes at 64 KiB pages", "[page_types]") {
  // The seed's incident: 447 unmapped THPs of 8192 base pages. On 4.18 a tail carries only
  // compound_tail plus what is derived from the head (anonymous, thp), so tails form their own
  // row; holes read as nopage.
  constexpr uint64_t kHead =
      0x40507c;  // referenced,uptodate,dirty,lru,active,anonymous,swapbacked,thp
  constexpr uint64_t kTail = bit(kpf::kAnon) | bit(kpf::kThp) | bit(kpf::kCompoundTail);
  Tables t;
  t.flags.assign(16, bit(kpf::kNopage));
  for (int thp = 0; thp < 447; ++thp) {
    t.flags.push_back(kHead | bit(kpf::kCompoundHead));
    t.flags.insert(t.flags.end(), 8191, kTail);
  }
  t.flags.insert(t.flags.end(), 5, bit(kpf::kNopage));
  const PageSize k64(65536);
  const std::string out = run({}, t, 131072, k64);
  // Slots: nopage 0x100000 & 0x1fff = 0 -> 1; tails 0x401000 -> 0x1000; heads 0x40507c -> 0x107c.
  CHECK(out == kHeader + row(bit(kpf::kNopage), 21, 1) + row(0x401000, 3661377, 228836) +
                   row(kHead, 447, 27) + total(21 + 447 * 8192, 228865));
  CHECK(out.find("0x000000000040507c\t       447       27  __RUDlA_____a_b_______t____") !=
        std::string::npos);
  CHECK(out.find("\tanonymous,thp\n") != std::string::npos);

  // -r keeps compound_head/tail; -l shows each THP as a head and a run of tails.
  const std::string raw = run({"-r", "-N", "-l", "-a", "0x10,0x4010"}, t, 1000, k64);
  CHECK(raw ==
        "offset\tlen\tflags\n"
        "10\t1\t" +
            kpf::symbolic(kHead | bit(kpf::kCompoundHead)) +
            "\n"
            "11\t1fff\t" +
            kpf::symbolic(kTail) +
            "\n"
            "2010\t1\t" +
            kpf::symbolic(kHead | bit(kpf::kCompoundHead)) +
            "\n"
            "2011\t1fff\t" +
            kpf::symbolic(kTail) + "\n");
}

// ---- Flag transformations --------------------------------------------------------------------

TEST_CASE("kpf: non-raw mode hides debugging bits and non-hugetlb compound bits", "[page_types]") {
  using namespace kpf;
  CHECK(wellKnownFlags(bit(kReserved) | bit(kLru)) == bit(kLru));
  CHECK(wellKnownFlags(bit(kAnonExclusive) | bit(kReadahead)) == bit(kReadahead));
  CHECK(wellKnownFlags(bit(kCompoundHead) | bit(kThp)) == bit(kThp));
  CHECK(wellKnownFlags(bit(kCompoundTail) | bit(kHuge)) == (bit(kCompoundTail) | bit(kHuge)));
  CHECK(wellKnownFlags(bit(kCompoundHead) | bit(kHuge) | bit(kOwner2)) ==
        (bit(kCompoundHead) | bit(kHuge)));
}

TEST_CASE("kpf: raw mode moves overloaded bits to page-types' pseudo bits", "[page_types]") {
  using namespace kpf;
  // owner_2 on an anonymous page is anon_exclusive; on a file page it stays.
  CHECK(expandOverloadedFlags(bit(kAnon) | bit(kOwner2)) == (bit(kAnon) | bit(kAnonExclusive)));
  CHECK(expandOverloadedFlags(bit(kLru) | bit(kOwner2)) == (bit(kLru) | bit(kOwner2)));
  // SLUB: active is frozen, error is debug; not on other pages.
  CHECK(expandOverloadedFlags(bit(kSlab) | bit(kActive) | bit(kError)) ==
        (bit(kSlab) | bit(kSlubFrozen) | bit(kSlubDebug)));
  CHECK(expandOverloadedFlags(bit(kActive) | bit(kError)) == (bit(kActive) | bit(kError)));
  // reclaim without writeback is readahead.
  CHECK(expandOverloadedFlags(bit(kReclaim)) == bit(kReadahead));
  CHECK(expandOverloadedFlags(bit(kReclaim) | bit(kWriteback)) ==
        (bit(kReclaim) | bit(kWriteback)));
  // Compound bits and debugging bits stay.
  CHECK(expandOverloadedFlags(bit(kCompoundTail) | bit(kReserved)) ==
        (bit(kCompoundTail) | bit(kReserved)));

  Tables t;
  t.flags = {bit(kSlab) | bit(kActive), bit(kAnon) | bit(kOwner2), bit(kReclaim)};
  CHECK(run({"-r", "-L", "-N"}, t) ==
        "offset\tflags\n"
        "0\t" +
            symbolic(bit(kSlab) | bit(kSlubFrozen)) +
            "\n"
            "1\t" +
            symbolic(bit(kAnon) | bit(kAnonExclusive)) +
            "\n"
            "2\t" +
            symbolic(bit(kReadahead)) + "\n");
  CHECK(symbolic(bit(kSlab) | bit(kSlubFrozen)) == "_______S______________________________A____");
}

TEST_CASE("kpf: the page-types name table", "[page_types]") {
  using namespace kpf;
  CHECK(pageTypesFlags().size() == 43);
  CHECK(symbolic(0) == std::string(43, '_'));
  CHECK(symbolic(bit(kReserved)) == "___________________________r_______________");
  CHECK(symbolic(bit(kMmapExclusive)) == "__________________________________________1");
  CHECK(longNames(0x40507c) == "referenced,uptodate,dirty,lru,active,anonymous,swapbacked,thp");
  CHECK(unnamedPageTypesBits(bit(kArch3) | bit(kUncached) | bit(kLru)) ==
        (bit(kArch3) | bit(kUncached)));
  REQUIRE(findFlag(kPgtable) != nullptr);
  CHECK(findFlag(kPgtable)->kernelName == "KPF_PGTABLE");
  CHECK(findFlag(kPgtable)->symbol == 'g');
  CHECK(findFlag(45) == nullptr);
  for (const FlagInfo& f : allFlags())
    CHECK(findFlag(f.bit) == &f);
}

TEST_CASE("page-types: a bit page-types cannot name is an input error", "[page_types]") {
  Tables t;
  t.flags = {bit(kpf::kArch3) | bit(kpf::kLru)};
  // Without -r bits 32-47 are hidden, so the same data is fine.
  CHECK(run({}, t) == kHeader + row(bit(kpf::kLru), 1, 0) + total(1, 0));
  const std::string msg = errorOf(ErrorKind::kInput, [&] { run({"-r"}, t); });
  CHECK_THAT(msg, Catch::Contains("bit 42 (KPF_ARCH_3)"));
}

// ---- Option parsing -------------------------------------------------------------------------

TEST_CASE("page-types: -b specs", "[page_types]") {
  using namespace kpf;
  const uint64_t all = kAllBits;
  CHECK(parseBitsSpec("anon,thp") == BitFilter{bit(kAnon) | bit(kThp), all});
  CHECK(parseBitsSpec("thp,~mmap") == BitFilter{bit(kThp) | bit(kMmap), bit(kThp)});
  CHECK(parseBitsSpec("thp,mmap=thp") == BitFilter{bit(kThp) | bit(kMmap), bit(kThp)});
  CHECK(parseBitsSpec("=buddy") == BitFilter{all, bit(kBuddy)});
  CHECK(parseBitsSpec("=lru,active") == BitFilter{all, bit(kLru) | bit(kActive)});
  // Names match by prefix, first in bit order; "compound" and its prefixes mean head|tail.
  CHECK(parseFlagName("anon") == bit(kAnon));
  CHECK(parseFlagName("anon_") == bit(kAnonExclusive));
  CHECK(parseFlagName("re") == bit(kReferenced));
  CHECK(parseFlagName("d") == bit(kDirty));
  CHECK(parseFlagName("c") == kCompoundBits);
  CHECK(parseFlagName("compound") == kCompoundBits);
  CHECK(parseFlagName("compound_t") == bit(kCompoundTail));
  CHECK(parseFlagName("arch") == bit(kArch));
  CHECK(parseFlagName("arch_") == bit(kArch2));
  CHECK(parseFlagName("slub_f") == bit(kSlubFrozen));
  CHECK(parseFlagName("mmap_") == bit(kMmapExclusive));
  // Numbers: strtoll base 0.
  CHECK(parseFlagName("0x10") == 0x10);
  CHECK(parseFlagName("010") == 8);
  CHECK(parseFlagName("0") == 0);
  CHECK(parseFlagNames("0x10,anon", false) == (0x10 | bit(kAnon)));
  CHECK(parseFlagNames("lru,~active", false) == bit(kLru));
  CHECK(parseFlagNames("lru,~active", true) == (bit(kLru) | bit(kActive)));
  CHECK(parseFlagNames("lru=active", false) == bit(kLru));
  CHECK(parseFlagNames("", false) == 0);
  CHECK_THAT(errorOf(ErrorKind::kUsage, [] { parseBitsSpec("anon,bogus"); }),
             Catch::Contains("'bogus'"));
  errorOf(ErrorKind::kUsage, [] { parseFlagName("lrux"); });

  const BitFilter any = parseBitsSpec("anon,thp");
  CHECK(any.matches(bit(kThp)));
  CHECK_FALSE(any.matches(bit(kLru)));
  const BitFilter masked = parseBitsSpec("thp,~mmap");
  CHECK(masked.matches(bit(kThp) | bit(kLru)));
  CHECK_FALSE(masked.matches(bit(kThp) | bit(kMmap)));
  CHECK_FALSE(masked.matches(bit(kLru)));
  const BitFilter exact = parseBitsSpec("=buddy");
  CHECK(exact.matches(bit(kBuddy)));
  CHECK_FALSE(exact.matches(bit(kBuddy) | bit(kUptodate)));
}

TEST_CASE("page-types: several -b filters must all match", "[page_types]") {
  using namespace kpf;
  Tables t;
  t.flags = {bit(kLru), bit(kLru) | bit(kActive), bit(kActive), bit(kLru) | bit(kMmap)};
  CHECK(run({"-L", "-N", "-b", "lru", "-b", "~mmap"}, t) ==
        "offset\tflags\n0\t" + symbolic(bit(kLru)) + "\n1\t" + symbolic(bit(kLru) | bit(kActive)) +
            "\n");
}

TEST_CASE("page-types: -a specs", "[page_types]") {
  const uint64_t max = ~uint64_t{0};
  CHECK(parseAddrSpec("5") == AddrRange{5, 1});
  CHECK(parseAddrSpec("5+3") == AddrRange{5, 3});
  CHECK(parseAddrSpec("5,8") == AddrRange{5, 3});
  CHECK(parseAddrSpec("5,") == AddrRange{5, max - 5});
  CHECK(parseAddrSpec("5+") == AddrRange{5, max - 5});
  CHECK(parseAddrSpec(",8") == AddrRange{0, 8});
  CHECK(parseAddrSpec("+8") == AddrRange{0, 8});
  CHECK(parseAddrSpec("0x100000,0x100400") == AddrRange{0x100000, 0x400});
  CHECK(parseAddrSpec("5,5") == AddrRange{5, 0});
  CHECK_THAT(errorOf(ErrorKind::kUsage, [] { parseAddrSpec("8,5"); }), Catch::Contains("'8,5'"));
  errorOf(ErrorKind::kUsage, [] { parseAddrSpec("x"); });
  errorOf(ErrorKind::kUsage, [] { parseAddrSpec(","); });
}

TEST_CASE("page-types: -a ranges walk in command-line order, again when they overlap",
          "[page_types]") {
  Tables t;
  for (uint64_t i = 0; i < 20; ++i)
    t.flags.push_back(i < 10 ? bit(kpf::kLru) : bit(kpf::kSlab));
  // Ascending, touching ranges merge into one -l run and need one pass.
  ProducerStats stats;
  {
    Options o = parseOptions({"b", "-l", "-N", "-a", "2,5", "-a", "5,12"});
    StringSink out;
    runPageTypes(o, producerFor(t, 4, &stats), PageSize(4096), {}, out);
    CHECK(out.text == "offset\tlen\tflags\n2\t8\t" + kpf::symbolic(bit(kpf::kLru)) + "\na\t2\t" +
                          kpf::symbolic(bit(kpf::kSlab)) + "\n");
    CHECK(stats.calls == 1);
    CHECK(stats.chunks == 3);  // from PFN 0 to the chunk holding PFN 11, then stops
  }
  // Descending and overlapping ranges are walked again and counted twice, as page-types does.
  stats = {};
  {
    Options o = parseOptions({"b", "-L", "-a", "15", "-a", "1,3", "-a", "2"});
    StringSink out;
    runPageTypes(o, producerFor(t, 4, &stats), PageSize(4096), {}, out);
    CHECK(out.text == "offset\tflags\nf\t" + kpf::symbolic(bit(kpf::kSlab)) + "\n1\t" +
                          kpf::symbolic(bit(kpf::kLru)) + "\n2\t" + kpf::symbolic(bit(kpf::kLru)) +
                          "\n2\t" + kpf::symbolic(bit(kpf::kLru)) + "\n\n\n" + kHeader +
                          row(bit(kpf::kLru), 3, 0) + row(bit(kpf::kSlab), 1, 0) + total(4, 0));
    CHECK(stats.calls == 3);
  }
  // A range past the end of the data walks nothing.
  CHECK(run({"-a", "100,200"}, t) == kHeader + total(0, 0));
}

TEST_CASE("page-types: -l rows end at page-types' 64 Ki-page read batches", "[page_types]") {
  // walk_pfn() restarts voffset with every batch of 65536 pages counted from the -a range's
  // start, and show_page_range() grows a row only while voffset continues: equal, contiguous
  // pages still make a new row at each batch boundary.
  Tables t;
  t.flags.assign(0x30000, bit(kpf::kLru));
  const std::string lru = kpf::symbolic(bit(kpf::kLru));
  auto rows = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"-l", "-N"});
    return run(args, t, 0x7000);  // chunks that do not line up with the batches
  };
  CHECK(rows({}) == "offset\tlen\tflags\n0\t10000\t" + lru + "\n10000\t10000\t" + lru +
                        "\n20000\t10000\t" + lru + "\n");
  // Batches count from the range's start.
  CHECK(rows({"-a", "0x8000,0x28000"}) ==
        "offset\tlen\tflags\n8000\t10000\t" + lru + "\n18000\t10000\t" + lru + "\n");
  // A row of a range's first batch continues into the adjacent range: the voffsets line up.
  CHECK(rows({"-a", "0xfff0,0x10000", "-a", "0x10000,0x10010"}) ==
        "offset\tlen\tflags\nfff0\t20\t" + lru + "\n");
  // One of a later batch does not: its voffset restarted at the range's start.
  CHECK(rows({"-a", "0,0x10010", "-a", "0x10010,0x10020"}) == "offset\tlen\tflags\n0\t10000\t" +
                                                                  lru + "\n10000\t10\t" + lru +
                                                                  "\n10010\t10\t" + lru + "\n");
}

TEST_CASE("page-types: command-line syntax", "[page_types]") {
  Options o = parseOptions({"-lNr", "B", "-bthp", "--bits=anon", "--no-s", "-a", "3"});
  CHECK(o.bundle == "B");
  CHECK(o.list == ListMode::kRanges);
  CHECK(o.noSummary);
  CHECK(o.raw);
  CHECK(o.bitFilters.size() == 2);
  CHECK(o.ranges == std::vector<AddrRange>{{3, 1}});
  CHECK(parseOptions({"B", "-l", "-L"}).list == ListMode::kEach);
  CHECK(parseOptions({"B", "--list"}).list == ListMode::kRanges);  // exact beats prefix
  CHECK(parseOptions({"--", "-B"}).bundle == "-B");
  o = parseOptions({"B", "-c", "/sys/fs/cgroup/a", "-c", "@7"});
  CHECK(o.cgroupInode == 7);
  CHECK_FALSE(o.cgroupPath);
  o = parseOptions({"B", "-c", "@7", "--cgroup=/x"});
  CHECK(o.cgroupInode == 0);
  CHECK(o.cgroupPath == "/x");
  // -d and -h end parsing, like page-types' exit(0): no bundle needed, later junk ignored.
  o = parseOptions({"-d", "0x40507c", "-q"});
  CHECK(o.describe == 0x40507c);
  CHECK(parseOptions({"-h"}).help);

  struct BadCommand {
    std::vector<std::string> args;
    const char* message;
  };
  const BadCommand bad[] = {
      {{"B", "-q"}, "unknown option -q"},
      {{"B", "--li"}, "ambiguous"},
      {{"B", "--raw=1"}, "takes no argument"},
      {{"B", "-b"}, "needs an argument"},
      {{"-l"}, "which bundle"},
      {{"A", "B"}, "one bundle only"},
      {{"B", "-p", "1"}, "not available offline"},
      {{"B", "-F", "kpageflags"}, "not available offline"},
      {{"-d", "0x40000000000"}, "bit 42"},
  };
  for (const BadCommand& b : bad) {
    INFO(b.args.back());
    CHECK_THAT(errorOf(ErrorKind::kUsage, [&] { parseOptions(b.args); }),
               Catch::Contains(b.message));
  }
  // page-types' MAX_BIT_FILTERS.
  std::vector<std::string> many = {"B"};
  for (int i = 0; i < 64; ++i)
    many.insert(many.end(), {"-b", "lru"});
  CHECK(parseOptions(many).bitFilters.size() == 64);
  many.insert(many.end(), {"-b", "lru"});
  CHECK_THAT(errorOf(ErrorKind::kUsage, [&] { parseOptions(many); }),
             Catch::Contains("too many -b filters (at most 64)"));
}

TEST_CASE("page-types: -d describes flags", "[page_types]") {
  StringSink out;
  runPageTypes(parseOptions({"-d", "thp,anon,compound"}), {}, PageSize(4096), {}, out);
  const uint64_t f = bit(kpf::kThp) | bit(kpf::kAnon) | kpf::kCompoundBits;
  CHECK(out.text == "0x0000000000419000\t" + kpf::symbolic(f) +
                        "\tanonymous,compound_head,compound_tail,thp\n");
  StringSink help;
  runPageTypes(parseOptions({"-h"}), {}, PageSize(4096), {}, help);
  CHECK_THAT(help.text, Catch::Contains("  anon_exclusive(r)       readahead(o)"));
  CHECK_THAT(help.text, Catch::Contains("        reserved(r)"));
}

// ---- kpagecgroup and kpagecount -------------------------------------------------------------

Tables cgroupTables() {
  Tables t;
  const uint64_t lru = bit(kpf::kLru);
  t.flags = {lru, lru, lru, lru, lru, 0, lru};
  t.cgroups = {5, 5, 9, 9, 9, 0, 5};
  t.counts = {1, 1, 1, 2, 2, 0, 1};
  return t;
}

TEST_CASE("page-types: -C and -M columns split runs", "[page_types]") {
  const Tables t = cgroupTables();
  const std::string lru = kpf::symbolic(bit(kpf::kLru));
  const std::string none = kpf::symbolic(0);
  CHECK(run({"-l", "-C", "-M", "-N"}, t, 2) ==
        "cgroup\tmap-cnt\toffset\tlen\tflags\n"
        "@5\t1\t0\t2\t" +
            lru +
            "\n"
            "@9\t1\t2\t1\t" +
            lru +
            "\n"
            "@9\t2\t3\t2\t" +
            lru +
            "\n"
            "@0\t0\t5\t1\t" +
            none +
            "\n"
            "@5\t1\t6\t1\t" +
            lru + "\n");
  // Without -M the counts are neither read nor compared.
  CHECK(run({"-l", "-C", "-N"}, t, 3) ==
        "cgroup\toffset\tlen\tflags\n"
        "@5\t0\t2\t" +
            lru +
            "\n"
            "@9\t2\t3\t" +
            lru +
            "\n"
            "@0\t5\t1\t" +
            none +
            "\n"
            "@5\t6\t1\t" +
            lru + "\n");
  CHECK(run({"-L", "-M", "-N", "-a", "3,5"}, t) ==
        "map-cnt\toffset\tflags\n"
        "2\t3\t" +
            lru +
            "\n"
            "2\t4\t" +
            lru + "\n");
  // -M without a list prints nothing more (page-types does not even open kpagecount then).
  Tables noCounts = t;
  noCounts.counts.clear();
  CHECK(run({"-M"}, noCounts) == kHeader + row(0, 1, 0) + row(bit(kpf::kLru), 6, 0) + total(7, 0));
}

TEST_CASE("page-types: -c keeps one memory cgroup", "[page_types]") {
  const Tables t = cgroupTables();
  const std::string lru = kpf::symbolic(bit(kpf::kLru));
  const std::string want9 = "offset\tlen\tflags\n2\t3\t" + lru + "\n\n\n" + kHeader +
                            row(bit(kpf::kLru), 3, 0) + total(3, 0);
  CHECK(run({"-l", "-c", "@9"}, t) == want9);
  const CgroupResolver resolver = [](std::string_view path) -> std::optional<uint64_t> {
    if (path == "/sys/fs/cgroup/system.slice") return 9;
    return std::nullopt;
  };
  CHECK(run({"-l", "-c", "/sys/fs/cgroup/system.slice"}, t, 1000, PageSize(4096), resolver) ==
        want9);
  CHECK_THAT(errorOf(ErrorKind::kUsage,
                     [&] {
                       run({"-c", "/sys/fs/cgroup/gone"}, t, 1000, PageSize(4096), resolver);
                     }),
             Catch::Contains("no such memory cgroup"));
  CHECK_THAT(errorOf(ErrorKind::kUsage,
                     [&] {
                       run({"-c", "/sys/fs/cgroup/x"}, t);
                     }),
             Catch::Contains("-c @INODE"));
  // "-c @0" is no filter, as in page-types, and needs no kpagecgroup.
  Tables bare = t;
  bare.cgroups.clear();
  CHECK(run({"-c", "@0"}, bare) == run({}, t));
}

TEST_CASE("page-types: -C, -c and -M need the tables in the bundle", "[page_types]") {
  Tables t = cgroupTables();
  t.cgroups.clear();
  t.counts.clear();
  CHECK_THAT(errorOf(ErrorKind::kInput, [&] { run({"-C"}, t); }),
             Catch::Contains("the bundle has no kpagecgroup"));
  CHECK_THAT(errorOf(ErrorKind::kInput,
                     [&] {
                       run({"-c", "@5"}, t);
                     }),
             Catch::Contains("the bundle has no kpagecgroup"));
  CHECK_THAT(errorOf(ErrorKind::kInput,
                     [&] {
                       run({"-l", "-M"}, t);
                     }),
             Catch::Contains("the bundle has no kpagecount"));
  // A chunk whose tables disagree in length is damaged input.
  const std::vector<uint64_t> flags = {1, 2, 3};
  const std::vector<uint64_t> counts = {1};
  StringSink out;
  Engine e(Options{}, PageSize(4096), out);
  CHECK_THAT(errorOf(ErrorKind::kInput,
                     [&] {
                       e.consume(PageFrameChunk{Pfn(0), flags, counts, {}});
                     }),
             Catch::Contains("kpagecount has 1 entries for 3 pages"));
}

TEST_CASE("page-types: the engine used directly, chunk by chunk", "[page_types]") {
  StringSink out;
  Options o;
  o.list = ListMode::kRanges;
  Engine e(o, PageSize(16384), out);
  const std::vector<uint64_t> a(100, bit(kpf::kBuddy));
  const std::vector<uint64_t> b = {bit(kpf::kBuddy), bit(kpf::kSlab)};
  CHECK(e.consume(PageFrameChunk{Pfn(0), a, {}, {}}));
  CHECK(e.consume(PageFrameChunk{Pfn(100), b, {}, {}}));
  CHECK_FALSE(e.nextPass());
  e.finish();
  e.finish();  // idempotent
  // slab (slot 0x80) is listed before buddy (slot 0x400) although it came later.
  CHECK(out.text == "offset\tlen\tflags\n0\t65\t" + kpf::symbolic(bit(kpf::kBuddy)) + "\n65\t1\t" +
                        kpf::symbolic(bit(kpf::kSlab)) + "\n\n\n" + kHeader +
                        row(bit(kpf::kSlab), 1, 0) + row(bit(kpf::kBuddy), 101, 1) + total(102, 1));
}

}  // namespace
}  // namespace memsift::page_types
