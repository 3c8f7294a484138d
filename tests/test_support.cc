// Implementation of the test helpers.
#include "tests/test_support.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>

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

void writeBundleDamagedInTheMiddle(const fs::path& from, const fs::path& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + from.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<size_t> frames;
  for (size_t at = 0; at < bytes.size();) {
    frames.push_back(at);
    size_t n = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
    if (ZSTD_isError(n)) throw std::runtime_error(from.string() + " is not a zstd stream");
    at += n;
  }
  if (frames.size() < 4) throw std::runtime_error(from.string() + " has too few zstd frames");
  const size_t at = frames[frames.size() / 2] + 32;
  for (size_t i = 0; i < 64 && at + i < bytes.size(); ++i)
    bytes[at + i] = static_cast<char>(bytes[at + i] ^ 0x5a);
  writeFile(to, bytes);
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

}  // namespace memsift::test
