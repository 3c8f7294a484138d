// BundleWriter's series snapshots and BundleReader on them: a snapshot longer than one wrapper
// goes into several of its number, the reader returns every member in order with no problem,
// series/K/index.json's sources join index.json's. Damage to wrappers, end to end:
// tests/analyzer/series_wrap_test.cc.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/bundle_writer.h"
#include "common/bundle/series_wrapper.h"
#include "tests/test_support.h"

using namespace memsift;
using namespace memsift::bundle;

namespace {

// Bytes zstd cannot shrink: 700 KiB of them make a wrapper's frames pass 1 MiB in two members.
std::string noise(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (char& c : s)
    c = static_cast<char>(rng());
  return s;
}

}  // namespace

TEST_CASE("a series snapshot past 1 MiB compressed spans several wrappers, read back whole",
          "[bundle][wrap]") {
  MemorySink sink;
  {
    BundleWriter w(sink, {});
    w.writeManifest(nlohmann::json{{"host", {{"hostname", "box"}, {"page_size", 4096}}}});
    w.beginSeriesSnapshot(1);
    w.addMember("series/1/a", noise(700 << 10, 1));
    w.addMember("series/1/b", noise(700 << 10, 2));
    w.addMember("series/1/c", std::string_view("small"));
    w.recordSource("series/1/dev/kmsg", SourceStatus::kAbsent, "ENOENT");
    w.endSeriesSnapshot();
    CHECK(w.membersWritten() == 4);  // the manifest and the snapshot's three
    w.addMember("proc/meminfo", std::string_view("MemTotal: 1 kB\n"));
    w.recordSource("dev/kmsg", SourceStatus::kAbsent, "ENOENT");
    w.finish(true);
  }
  const std::vector<test::SeriesWrapperAt> wrappers = test::seriesWrappers(sink.bytes);
  REQUIRE(wrappers.size() == 2);
  CHECK(wrappers[0].seq == 1);
  CHECK(wrappers[1].seq == 1);
  CHECK(wrappers[0].end == wrappers[1].at);  // nothing between: the snapshot goes on
  CHECK(wrappers[0].end - wrappers[0].at > BundleWriter::kSeriesWrapperBytes);

  MemorySource src(sink.bytes);
  BundleReader r(src);
  std::vector<std::string> names;
  std::string series_index;
  while (r.next()) {
    names.push_back(r.current().name);
    if (names.back() == "series/1/index.json") REQUIRE(r.readAll(series_index));
  }
  CHECK(r.complete());
  CHECK_FALSE(r.damage());
  CHECK(r.problems().empty());
  CHECK(names == std::vector<std::string>{"series/1/a", "series/1/b", "series/1/c",
                                          "series/1/index.json", "proc/meminfo"});
  // The snapshot's own index lists its members; index.json only the others.
  const nlohmann::json own = nlohmann::json::parse(series_index);
  REQUIRE(own["members"].size() == 3);
  CHECK(own["members"][2]["name"] == "series/1/c");
  CHECK(own["sources"][0]["path"] == "series/1/dev/kmsg");
  CHECK(r.indexEntries() == 3 + 2);  // the series index's entries, then index.json's
  const nlohmann::json& sources = r.index()["sources"];
  REQUIRE(sources.size() == 2);
  CHECK(sources[0]["path"] == "series/1/dev/kmsg");
  CHECK(sources[1]["path"] == "dev/kmsg");
}
