// Implementation of the test helpers.
#include "tests/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "common/bundle/series_wrapper.h"
#include "common/bundle/zstd_stream.h"

namespace memsift::test {

namespace fs = std::filesystem;

fs::path sourceDir() {
  return MEMSIFT_SOURCE_DIR;
}
fs::path sharedDir() {
  return fs::weakly_canonical(fs::path(MEMSIFT_SHARED_DIR));
}
fs::path binDir() {
  return MEMSIFT_BIN_DIR;
}

std::string readFile(const fs::path& path) {
  if (path.extension() == ".zst") {
    CommandResult r = run("zstd -dc -- '" + path.string() + "' 2>/dev/null");
    if (r.exit_code != 0) throw std::runtime_error("cannot decompress " + path.string());
    return r.out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/memsift-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult run(const std::string& command) {
  CommandResult result;
  std::string full = "(" + command + ") 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0)
    result.out.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void skipTest(const std::string& reason) {
  std::cout << "SKIPPED: " << reason << std::endl;
  std::_Exit(77);
}

void requireRootWithPageFlags() {
  if (geteuid() != 0) skipTest("needs root (run the test suite as root to cover this)");
  if (access("/proc/kpageflags", R_OK) != 0) skipTest("/proc/kpageflags is not readable here");
}

size_t memberFrameMiddle(std::string_view bundle, std::string_view suffix, size_t from) {
  // A hint's tag starts its payload, after the 8-byte skippable frame header.
  for (size_t at = bundle.find(bundle::kMemberHintTag); at != std::string_view::npos;
       at = bundle.find(bundle::kMemberHintTag, at + 1)) {
    if (at < 8) continue;
    uint32_t size = 0;
    std::memcpy(&size, bundle.data() + at - 4, 4);  // little-endian hosts only (x86_64)
    if (size > bundle.size() - at) continue;
    bool damaged = false;
    auto hint = bundle::parseMemberHint(std::as_bytes(std::span(bundle.data() + at - 8, size + 8)),
                                        damaged);
    if (!hint || !hint->member.ends_with(suffix) || at + size < from) continue;
    return at + size + hint->frame_bytes / 2;
  }
  return std::string_view::npos;
}

std::vector<SeriesWrapperAt> seriesWrappers(std::string_view bundle) {
  std::vector<SeriesWrapperAt> out;
  const std::string_view magic("\x5b\x2a\x4d\x18", 4);  // kSeriesWrapperMagic, little-endian
  for (size_t at = bundle.find(magic); at != std::string_view::npos;
       at = bundle.find(magic, at + 1)) {
    auto w = bundle::parseSeriesWrapperHeader(
        std::as_bytes(std::span(bundle.data() + at, bundle.size() - at)));
    if (!w) continue;
    out.push_back({at, w->seq, at + bundle::kSeriesWrapperHeaderBytes + w->frame_bytes});
    at = out.back().end - 1;
  }
  return out;
}

std::string unwrapSeries(std::string_view bundle) {
  std::string out;
  size_t from = 0;
  for (const SeriesWrapperAt& w : seriesWrappers(bundle)) {
    out.append(bundle.substr(from, w.at - from));
    from = w.at + bundle::kSeriesWrapperHeaderBytes;
  }
  out.append(bundle.substr(from));
  return out;
}

}  // namespace memsift::test
