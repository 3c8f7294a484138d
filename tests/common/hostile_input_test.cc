// The reader's defences against hostile bundles (issue 17) at the library level: bounded JSON,
// index.json checked as it streams and bounded by the members present, names that are not UTF-8
// recorded exactly, member caps by kind, terminal-safe text.
#include <catch2/catch.hpp>
#include <string>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/bundle_writer.h"
#include "common/bundle/tar.h"
#include "common/bundle/text_caps.h"
#include "common/bundle/zstd_stream.h"
#include "common/error.h"
#include "common/json/bounded_json.h"
#include "common/text/terminal_text.h"

using namespace memsift;
using namespace memsift::bundle;

namespace {

std::span<const std::byte> bytesOf(std::string_view s) {
  return std::span(reinterpret_cast<const std::byte*>(s.data()), s.size());
}

// A bundle from raw tar members (name, content), compressed in one frame: what a hand-made or
// hostile bundle is, without the writer's own index.
std::string rawBundle(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string tar;
  for (const auto& [name, data] : members) {
    tar::encodeFileHeader(tar, name, data.size(), 0);
    tar += data;
    tar.append(tar::paddingFor(data.size()), '\0');
  }
  tar::encodeEnd(tar);
  MemorySink sink;
  ZstdEncoder z(sink, 3);
  z.write(bytesOf(tar));
  z.endFrame();
  return sink.bytes;
}

const std::string kManifest = R"({"format": {"name": "memsift-bundle", "major": 1, "minor": 1}})";

struct Read {
  std::vector<std::string> names;
  std::optional<std::string> damage;
  std::vector<std::string> problems;
  bool complete = false;
};

Read readAll(const std::string& bundle) {
  MemorySource src(bundle);
  BundleReader r(src);
  Read out;
  while (r.next())
    out.names.push_back(r.current().name);
  if (r.damage()) out.damage = r.damage()->text;
  for (const Damage& p : r.problems())
    out.problems.push_back(p.text);
  out.complete = r.complete();
  return out;
}

}  // namespace

TEST_CASE("bounded JSON: nesting past the limit is refused while parsing") {
  nlohmann::json j;
  CHECK(!parseBoundedJson(R"({"a": [[1, 2], {"b": null}]})", j, 1 << 20));
  CHECK(j["a"][1].contains("b"));
  std::string deep = std::string(65, '[') + std::string(65, ']');
  auto why = parseBoundedJson(deep, j, 1 << 20);
  REQUIRE(why);
  CHECK(*why == "nested deeper than 64 levels");
  CHECK(j.is_null());
  CHECK(!parseBoundedJson(std::string(64, '[') + std::string(64, ']'), j, 1 << 20));
  // 100,000 levels: refused at level 65, no recursion anywhere.
  CHECK(parseBoundedJson(std::string(100000, '{') + std::string(100000, '}'), j, 1 << 20));
}

TEST_CASE("bounded JSON: a value past its memory budget is refused") {
  nlohmann::json j;
  std::string big = "[1";
  for (int i = 0; i < 1000; ++i)
    big += ", \"" + std::string(1000, 'x') + "\"";
  big += "]";
  auto why = parseBoundedJson(big, j, 100000);
  REQUIRE(why);
  CHECK(*why == "larger than 100000 bytes in memory");
  auto syntax = parseBoundedJson("{\"a\": }", j, 1 << 20);
  REQUIRE(syntax);
  CHECK_THAT(*syntax, Catch::Contains("syntax error"));
}

TEST_CASE("names that are not UTF-8 are recorded exactly in index.json and match their members") {
  // A cgroup named with the bytes ff fe, a file named in Latin-1: a genuine bundle, not damage.
  const std::string cgroup = "sys/fs/cgroup/\xff\xfe/memory.stat";
  const std::string latin1 = "proc/1/caf\xe9";
  MemorySink sink;
  BundleWriter w(sink, {});
  w.writeManifest({{"host", {{"page_size", 4096}}}});
  w.addMember(cgroup, "anon 0\n");
  w.addMember(latin1, "x");
  w.recordSource("proc/\xff/status", SourceStatus::kDenied, "EACCES");
  w.finish(true);

  MemorySource src(sink.bytes);
  BundleReader r(src);
  std::vector<std::string> names;
  while (r.next())
    names.push_back(r.current().name);
  CHECK(names == std::vector<std::string>{cgroup, latin1});
  CHECK(r.complete());
  CHECK(r.problems().empty());
  CHECK(r.indexEntries() == 3);
  const nlohmann::json& source = r.index()["sources"][0];
  CHECK(source["path_bytes"] == "70726f632fff2f737461747573");  // "proc/\xff/status"

  // An index as 1.1 writers made it (names with U+FFFD, no name_bytes) still reads: the members
  // are reported missing as before, nothing worse.
  std::string old_index = R"({"complete": true, "sources": [], "members": [)"
                          R"({"name": "manifest.json", "size": )" +
                          std::to_string(kManifest.size()) +
                          R"(, "xxh64": "0000000000000000"},)"
                          R"({"name": "proc/\ufffd", "size": 1, "xxh64": "0000000000000000"}]})";
  Read old = readAll(
      rawBundle({{"manifest.json", kManifest}, {"proc/\xff", "x"}, {"index.json", old_index}}));
  CHECK(old.complete);
  CHECK_THAT(old.problems, Catch::VectorContains(std::string(
                               "member proc/\xef\xbf\xbd is listed in index.json but missing")));
}

TEST_CASE("index.json is checked as it streams: malformed lists and entries are problems") {
  std::string manifest_entry = R"({"name": "manifest.json", "size": )" +
                               std::to_string(kManifest.size()) + R"(, "xxh64": "x"})";
  Read r = readAll(rawBundle(
      {{"manifest.json", kManifest}, {"index.json", R"({"complete": true, "members": 5})"}}));
  CHECK(r.complete);
  CHECK(r.problems ==
        std::vector<std::string>{"index.json has no member list: checksums not verified"});

  r = readAll(
      rawBundle({{"manifest.json", kManifest},
                 {"index.json", R"({"members": [7, {"name": ["a"], "size": 1, "xxh64": "0"}, )" +
                                    manifest_entry + "]}"}}));
  CHECK(r.complete);
  CHECK_THAT(r.problems,
             Catch::VectorContains(std::string("index.json has a malformed member entry")));

  r = readAll(rawBundle({{"manifest.json", kManifest}, {"index.json", R"({"members": [)"}}));
  CHECK(!r.complete);
  REQUIRE(r.damage);
  CHECK_THAT(*r.damage, Catch::StartsWith("bundle corrupt: index.json is not a JSON object ("));
}

TEST_CASE("index.json is bounded by the members present, not only by its 1 GiB cap") {
  // Three members: about 1 MiB of index is plausible (sources included), 4 MiB is not.
  auto bundleWithIndex = [](size_t sources) {
    std::string index = R"({"complete": true, "members": [], "sources": [)";
    for (size_t i = 0; i < sources; ++i)
      index += std::string(i ? "," : "") + R"({"path": "proc/)" + std::to_string(i) +
               R"(/smaps", "status": "denied"})";
    index += "]}";
    return rawBundle({{"manifest.json", kManifest}, {"proc/meminfo", "x"}, {"index.json", index}});
  };
  Read small = readAll(bundleWithIndex(10000));  // ~450 KB
  CHECK(small.complete);
  Read big = readAll(bundleWithIndex(100000));  // ~4.5 MB
  CHECK(!big.complete);
  REQUIRE(big.damage);
  CHECK_THAT(*big.damage, Catch::Contains("more than the 1051648 a bundle of 2 members can need"));
}

TEST_CASE("readAll grows with the data and stops at its cap") {
  std::string text(100000, 'm');
  std::string bundle = rawBundle({{"manifest.json", kManifest}, {"proc/meminfo", text}});
  MemorySource src(bundle);
  BundleReader r(src);
  REQUIRE(r.next());
  std::string out;
  bool cut = false;
  CHECK(r.readAll(out, 4096, &cut));
  CHECK(cut);
  CHECK(out == text.substr(0, 4096));
  CHECK(!r.next());  // the rest was skipped (no index: truncated, as it is)
}

TEST_CASE("text member caps: meminfo a few KiB, command lines cut without damage") {
  CHECK(keptTextCap("proc/meminfo").bytes == 64 * 1024);
  CHECK(keptTextCap("sys/devices/system/node/node3/meminfo").bytes == 64 * 1024);
  CHECK(keptTextCap("proc/meminfo.after").kind == "meminfo");
  CHECK(keptTextCap("proc/12/status").bytes == 64 * 1024);
  CHECK(!keptTextCap("proc/12/cmdline").cut_is_damage);
  CHECK(keptTextCap("proc/12/cmdline").bytes == 4096);
  CHECK(keptTextCap("proc/zoneinfo").bytes == kMaxTextMemberBytes);
  CHECK(keptTextCap("xmeminfo").bytes == kMaxTextMemberBytes);  // a whole name component only
}

TEST_CASE("printable: control bytes, C1, bidi overrides and bytes that are not UTF-8 escaped") {
  CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(printable("t\x1b]0;x\x07") == "t\\x1b]0;x\\x07");
  CHECK(printable("line\nforged") == "line\\x0aforged");
  CHECK(printable("\xc2\x9b"
                  "31m") == "\\u009b31m");  // C1 CSI
  CHECK(printable("a\xe2\x80\xae"
                  "b") == "a\\u202eb");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(printable("\xff\xfe") == "\\xff\\xfe");
  CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");          // valid UTF-8 kept
  CHECK(printable(printable("\x1b")) == printable("\x1b"));  // idempotent
  CHECK(validUtf8("caf\xc3\xa9"));
  CHECK(!validUtf8("\xff\xfe"));
  CHECK(!validUtf8("\xc0\xaf"));  // overlong
}
