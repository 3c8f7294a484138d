// Helpers shared by the tests: where things are, temporary directories, running commands,
// and skipping (exit 77, which ctest reports as "Skipped") when root or a kernel feature is
// missing.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace memsift::test {

std::filesystem::path sourceDir();  // the project's root
std::filesystem::path sharedDir();  // ../shared from the project's root
std::filesystem::path binDir();     // build/bin with memsift and memsift-collect

// Reads a whole file (throws on error); decompresses it first when the name ends in .zst.
std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, std::string_view data);

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;     // stdout and stderr interleaved (2>&1)
};
// Runs a shell command, capturing its output.
CommandResult run(const std::string& command);

// The offset of the middle of the zstd frame of the first member whose name ends with `suffix`
// and whose frame starts at or after `from`, found through the member hints of a bundle (format
// 1.1: each page-table member has a frame of its own); std::string::npos if there is none.
// Tests garble bytes there to damage one chosen member.
size_t memberFrameMiddle(std::string_view bundle, std::string_view suffix, size_t from = 0);

// The series wrappers of a bundle (format 1.3), in order: where each begins, its snapshot, and
// where its frames end. Found by their header (a wrapper's tag and check, which compressed data
// does not imitate by chance).
struct SeriesWrapperAt {
  size_t at = 0;
  unsigned seq = 0;
  size_t end = 0;
};
std::vector<SeriesWrapperAt> seriesWrappers(std::string_view bundle);
// The bundle with its wrappers' headers taken out: the frames inside become ordinary frames, so
// that zstd -dc gives the whole tar stream, cheap snapshots included (as format 1.2 had it).
std::string unwrapSeries(std::string_view bundle);

// Ends the current test case as skipped, printing why. Test binaries run one case per process
// under ctest, so this does not hide other cases.
[[noreturn]] void skipTest(const std::string& reason);
// True in the sanitizer build (ASan): g++ defines __SANITIZE_ADDRESS__, clang has the feature.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizerBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif
#else
inline constexpr bool kSanitizerBuild = false;
#endif

// Skips unless running as root with a readable /proc/kpageflags.
void requireRootWithPageFlags();

}  // namespace memsift::test
