// Implementation of the collector test helpers.
#include "tests/collector/collector_test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "common/bundle/bundle_reader.h"
#include "common/bundle/byte_stream.h"

namespace memsift::test {

namespace fs = std::filesystem;

std::string collectorPath() {
  return (binDir() / "memsift-collect").string();
}

uint64_t patternValue(int table, uint64_t pfn) {
  // Holes (all zero) every 1000 frames for 100 frames, as on a 6.18 kernel; otherwise values
  // that differ per frame and per table, so a shifted or swapped chunk cannot go unnoticed.
  if (pfn % 1000 < 100) return 0;
  uint64_t x = (pfn + 1) * 0x9e3779b97f4a7c15ull;
  switch (table) {
    case 0:
      return (x >> 20) & 0x7ffffff;  // flags bits 0..26
    case 1:
      return pfn % 5;  // map count
    default:
      return (pfn / 4096) % 3 == 0 ? 0 : 1000 + (pfn / 4096) % 7;  // cgroup inode
  }
}

void writePageTable(const fs::path& file, int table, uint64_t frames) {
  std::ofstream out(file, std::ios::binary);
  std::vector<uint64_t> buf;
  buf.reserve(65536);
  for (uint64_t pfn = 0; pfn < frames; ++pfn) {
    buf.push_back(patternValue(table, pfn));
    if (buf.size() == 65536 || pfn + 1 == frames) {
      out.write(reinterpret_cast<const char*>(buf.data()),
                static_cast<std::streamsize>(buf.size() * 8));
      buf.clear();
    }
  }
  REQUIRE(out.good());
}

void makeReplayRoot(const fs::path& dir, uint64_t frames) {
  fs::copy(sourceDir() / "testdata/roots/minimal", dir,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const char* names[] = {"kpageflags", "kpagecount", "kpagecgroup"};
  for (int t = 0; t < 3; ++t)
    writePageTable(dir / "proc" / names[t], t, frames);
}

std::string ExtractedBundle::text(const std::string& member) const {
  std::string out = readFile(dir / member);
  for (unsigned part = 2;; ++part) {
    fs::path p = dir / (member + ".part" + std::to_string(part));
    if (!fs::exists(p)) break;
    out += readFile(p);
  }
  return out;
}

bool ExtractedBundle::has(const std::string& member) const {
  return fs::is_regular_file(dir / member);
}

std::string ExtractedBundle::pageTable(std::string_view table) const {
  std::map<std::string, fs::path> chunks;  // 16 hex digits sort in PFN order
  if (!fs::exists(dir / "pageframes")) return {};
  for (const auto& e : fs::directory_iterator(dir / "pageframes")) {
    fs::path p = e.path() / std::string(table);
    if (fs::exists(p)) chunks[e.path().filename().string()] = p;
  }
  std::string out;
  for (const auto& [start, path] : chunks)
    out += readFile(path);
  return out;
}

std::vector<std::string> ExtractedBundle::sources(std::string_view status) const {
  std::vector<std::string> out;
  for (const auto& s : index.at("sources")) {
    if (s.at("status") == status) out.push_back(s.at("path"));
  }
  return out;
}

std::string ExtractedBundle::detail(const std::string& path) const {
  for (const auto& s : index.at("sources")) {
    if (s.at("path") == path) return s.value("detail", "");
  }
  return {};
}

ExtractedBundle extractBundle(const fs::path& bundle, const fs::path& into) {
  fs::create_directories(into);
  CommandResult r =
      run("tar --zstd -xf " + shellQuote(bundle.string()) + " -C " + shellQuote(into.string()));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  ExtractedBundle b;
  b.dir = into;
  b.manifest = nlohmann::json::parse(readFile(into / "manifest.json"));
  b.index = nlohmann::json::parse(readFile(into / "index.json"));
  return b;
}

std::string verifyWithReader(const fs::path& bundle) {
  bundle::InputFile in(bundle);
  bundle::BundleReader reader(in);
  while (reader.next()) {
  }
  std::string out;
  if (reader.damage()) out += reader.damage()->text + "\n";
  for (const bundle::Damage& p : reader.problems())
    out += p.text + "\n";
  if (!reader.complete()) out += "bundle did not end cleanly with its index\n";
  return out;
}

std::vector<std::string> regularFiles(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && !e.is_symlink()) {
      out.push_back(fs::relative(e.path(), dir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace memsift::test
