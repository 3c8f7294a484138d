// The page size of the system read: sysconf(3) on the live host, the tree's own word beneath a
// --root (see page_size.h).
#include "collector/page_size.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "collector/host_facts.h"
#include "common/bundle/members.h"
#include "common/error.h"

namespace memsift::collector {

namespace {

namespace members = bundle::members;

// A few processes are enough: every mapping of every process has the same base page size. The
// cap bounds the time spent on a tree with huge smaps files.
constexpr size_t kSmapsFilesRead = 8;
constexpr size_t kSmapsBytesRead = 256 * 1024;

bool plausiblePageSize(uint64_t v) {
  return v >= 1024 && v <= (1ull << 30) && std::has_single_bit(v);
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The value in kB of "Key:   N kB" lines with this key, smallest first seen; nullopt if none.
std::optional<uint64_t> smallestKbField(std::string_view text, std::string_view key) {
  std::optional<uint64_t> best;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
    std::string_view v = trimmed(line.substr(key.size() + 1));
    uint64_t kb = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), kb);
    if (ec != std::errc() || trimmed(std::string_view(p, v.data() + v.size() - p)) != "kB")
      continue;
    if (!best || kb < *best) best = kb;
  }
  return best;
}

void smapsClue(const SystemRoot& root, std::vector<PageSizeClue>& out) {
  int err = 0;
  DirReader proc(root.openDir(std::string(members::kProcDir), err));
  std::optional<uint64_t> smallest;
  uint64_t smallest_pid = 0;
  size_t files = 0;
  std::string text;
  while (const dirent* e = proc.next()) {
    if (!isAllDigits(e->d_name) || std::strlen(e->d_name) > 19) continue;
    std::string rel = members::processDir(e->d_name);
    rel.append("/").append(members::kProcSmaps);
    if (readSmallAt(root.fd(), rel.c_str(), text, kSmapsBytesRead) != 0) continue;
    auto kb = smallestKbField(text, "KernelPageSize");
    if (!kb) continue;  // a kernel thread: no mappings
    // Ties go to the lowest PID, so the recorded source does not depend on directory order.
    const uint64_t pid = std::strtoull(e->d_name, nullptr, 10);
    if (!smallest || *kb < *smallest || (*kb == *smallest && pid < smallest_pid)) {
      smallest = kb;
      smallest_pid = pid;
    }
    if (++files == kSmapsFilesRead) break;
  }
  if (smallest && plausiblePageSize(*smallest * 1024)) {
    std::string source = members::processDir(std::to_string(smallest_pid));
    source.append("/").append(members::kProcSmaps).append(" KernelPageSize");
    out.push_back({*smallest * 1024, std::move(source)});
  }
}

// "x86_64", "aarch64", ... from proc/sys/kernel/arch (5.x+), else from the tail of the kernel
// release ("4.18.0-147.el8.aarch64", "6.1.0-18-amd64"); "" when neither says.
std::pair<std::string, std::string> architecture(const SystemRoot& root) {
  if (auto arch = readSmallFile(root, members::kArch); arch && !arch->empty()) {
    return {*arch, std::string(members::kArch)};
  }
  auto release = readSmallFile(root, members::kOsRelease);
  if (!release) return {};
  std::string_view r = *release;
  if (size_t plus = r.rfind('+'); plus != std::string_view::npos) r = r.substr(0, plus);
  size_t cut = r.find_last_of(".-");
  std::string_view tail = cut == std::string_view::npos ? r : r.substr(cut + 1);
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"x86_64", "x86_64"},   {"amd64", "x86_64"},       {"i686", "i686"},
      {"686", "i686"},        {"aarch64", "aarch64"},    {"arm64", "aarch64"},
      {"s390x", "s390x"},     {"ppc64le", "ppc64le"},    {"riscv64", "riscv64"},
      {"ppc64el", "ppc64le"}, {"powerpc64le", "ppc64le"}};
  for (const auto& [name, arch] : kNames) {
    if (tail == name) return {std::string(arch), std::string(members::kOsRelease)};
  }
  return {};
}

uint64_t readNumber(const SystemRoot& root, const std::string& rel) {
  auto text = readSmallFile(root, rel);
  if (!text) return 0;
  std::string_view v = trimmed(*text);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && p == v.data() + v.size() ? n : 0;
}

void architectureClues(const SystemRoot& root, std::vector<PageSizeClue>& out) {
  // Named, not a structured binding: lambdas below capture it (clang 14 cannot capture those).
  const std::pair<std::string, std::string> found = architecture(root);
  const std::string& arch = found.first;
  const std::string& arch_source = found.second;
  if (arch.empty()) return;
  const std::string said = arch_source + " " + arch;
  // One page size only: arch/x86, arch/s390 and arch/riscv (Sv39/48/57) have 4 KiB pages.
  if (arch == "x86_64" || arch == "i386" || arch == "i586" || arch == "i686" ||
      arch.starts_with("s390") || arch.starts_with("riscv")) {
    out.push_back({4096, said});
    return;
  }
  // Kernels built for one large page size say so in the release's flavour: RHEL's kernel-64k
  // ("...el9.aarch64+64k"), Debian's arm64-16k ("6.12.9-arm64-16k").
  if (auto release = readSmallFile(root, members::kOsRelease)) {
    for (auto [suffix, bytes] : {std::pair<std::string_view, uint64_t>{"+64k", 65536},
                                 {"-64k", 65536},
                                 {"+16k", 16384},
                                 {"-16k", 16384}}) {
      if (release->ends_with(suffix)) {
        out.push_back({bytes, std::string(members::kOsRelease).append(" ").append(*release)});
        return;
      }
    }
  }
  if (arch != "aarch64" && !arch.starts_with("loongarch")) return;
  // PMD size = page size x (page size / 8) where a page table is one page of 8-byte entries.
  auto fromPmd = [&](uint64_t pmd, const std::string& source) {
    for (uint64_t page : {4096ull, 16384ull, 65536ull}) {
      if (page * (page / 8) == pmd) {
        out.push_back({page, source + " " + std::to_string(pmd) + " on " + arch});
        return true;
      }
    }
    return false;
  };
  const std::string thp =
      std::string(members::kThpDir).append("/").append(members::kThpPmdSizeFile);
  if (uint64_t pmd = readNumber(root, thp); pmd && fromPmd(pmd, thp)) return;
  if (auto meminfo = readSmallFile(root, members::kMeminfo)) {
    if (auto kb = smallestKbField(*meminfo, "Hugepagesize")) {
      fromPmd(*kb * 1024, std::string(members::kMeminfo).append(" Hugepagesize"));
    }
  }
}

std::string describe(const PageSizeClue& c) {
  return std::to_string(c.bytes) + " (" + c.source + ")";
}

}  // namespace

std::vector<PageSizeClue> pageSizeClues(const SystemRoot& root) {
  std::vector<PageSizeClue> out;
  smapsClue(root, out);
  architectureClues(root, out);
  return out;
}

PageSizeFact determinePageSize(const SystemRoot& root, std::optional<uint64_t> given,
                               std::vector<std::string>& warnings) {
  if (root.isHost()) {
    const uint64_t own = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
    if (given && *given != own) {
      warnings.push_back("--page-size " + std::to_string(*given) + ", but this machine's is " +
                         std::to_string(own) + " (sysconf): the page-frame byte figures will be " +
                         "wrong");
    }
    if (given) return {*given, "--page-size"};
    return {own, "sysconf(_SC_PAGESIZE) on the host collected"};
  }
  const std::vector<PageSizeClue> clues = pageSizeClues(root);
  if (given) {
    for (const PageSizeClue& c : clues) {
      if (c.bytes != *given) {
        warnings.push_back("--page-size " + std::to_string(*given) + ", but the root says " +
                           describe(c));
      }
    }
    return {*given, "--page-size"};
  }
  const std::string dir = root.dir();
  if (clues.empty()) {
    throwUsage("nothing beneath " + dir +
               " says its page size (no KernelPageSize in proc/PID/smaps, no "
               "proc/sys/kernel/arch or kernel release naming an architecture with one page "
               "size, no PMD size): give --page-size (this machine's page size says nothing "
               "about another system's)");
  }
  for (const PageSizeClue& c : clues) {
    if (c.bytes != clues.front().bytes) {
      throwUsage("the root " + dir + " contradicts itself about its page size: " +
                 describe(clues.front()) + " but " + describe(c) + "; give --page-size");
    }
  }
  return {clues.front().bytes, clues.front().source};
}

}  // namespace memsift::collector
