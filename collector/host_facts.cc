// Host facts: small files beneath the root, uname(2) only for the live host.
#include "collector/host_facts.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <ctime>

#include "common/bundle/members.h"
#include "common/text/utf8.h"

namespace memsift::collector {

namespace members = bundle::members;

std::optional<std::string> readSmallFile(const SystemRoot& root, std::string_view rel) {
  std::string out;
  const std::string path(rel);  // NUL-terminated for openat()
  if (readSmallAt(root.fd(), path.c_str(), out, 64 * 1024) != 0) return std::nullopt;
  return out;
}

std::string validUtf8(std::string_view s) {
  return replaceInvalidUtf8(s);
}

namespace {
std::string formatUtc(int64_t epoch, const char* format) {
  time_t t = static_cast<time_t>(epoch);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}
}  // namespace

std::string isoTimeUtc(int64_t epoch_seconds) {
  return formatUtc(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ");
}
std::string compactTimeUtc(int64_t epoch_seconds) {
  return formatUtc(epoch_seconds, "%Y%m%dT%H%M%SZ");
}

std::string byteOrderOfArch(std::string_view a) {
  // The kernel's UTS_MACHINE per architecture (arch/*/Makefile): the big-endian variants have
  // names of their own, except on mips, sh and a few others where one name covers both.
  for (std::string_view big : {"s390x", "s390", "ppc64", "ppc", "sparc64", "sparc", "aarch64_be",
                               "armeb", "armv7b", "m68k", "parisc", "parisc64", "or1k"}) {
    if (a == big) return "big";
  }
  for (std::string_view little :
       {"x86_64", "i386", "i486", "i586", "i686", "aarch64", "ppc64le", "ppcle", "riscv64",
        "riscv32", "loongarch64", "armv7l", "armv6l", "armv8l", "alpha", "ia64", "csky"}) {
    if (a == little) return "little";
  }
  return "";
}

HostFacts readHostFacts(const SystemRoot& root, const PageSizeFact& page_size,
                        const std::string& byte_order) {
  HostFacts f;
  struct utsname u;
  bool have_uname = root.isHost() && ::uname(&u) == 0;
  f.hostname =
      readSmallFile(root, members::kHostname).value_or(have_uname ? u.nodename : "unknown");
  f.kernel_release =
      readSmallFile(root, members::kOsRelease).value_or(have_uname ? u.release : "unknown");
  f.kernel_version = readSmallFile(root, members::kVersion).value_or("");
  f.arch = readSmallFile(root, members::kArch).value_or(have_uname ? u.machine : "unknown");
  f.page_size = page_size.bytes;
  f.page_size_source = page_size.source;
  const std::string native = std::endian::native == std::endian::little ? "little" : "big";
  // The tables are in the byte order of the kernel that wrote them. That is this machine's only
  // for the live host; a tree under --root may come from another architecture.
  if (root.isHost()) {
    f.byte_order = native;
    f.byte_order_source = "this machine";
  } else if (!byte_order.empty()) {
    f.byte_order = byte_order;
    f.byte_order_source = "--byte-order";
  } else if (auto arch = readSmallFile(root, members::kArch);
             arch && !byteOrderOfArch(*arch).empty()) {
    f.byte_order = byteOrderOfArch(*arch);
    f.byte_order_source = members::kArch;
  } else {
    f.byte_order = native;
    f.byte_order_source = "assumed: this machine's";
  }
  if (auto up = readSmallFile(root, members::kUptime)) {
    double v = 0;
    auto r = std::from_chars(up->data(), up->data() + up->size(), v);
    if (r.ec == std::errc()) f.uptime_seconds = v;
  }
  f.start_time = static_cast<int64_t>(::time(nullptr));
  return f;
}

}  // namespace memsift::collector
