// Fuzz target: the whole analysis on arbitrary bundle contents. The input is an uncompressed
// tar stream; the harness compresses it (zstd would reject almost every mutated byte otherwise,
// and the fuzzer would never reach the loader), then loads, analyses and renders it in every
// format, as `memsift report` does.
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "analyzer/analysis/analyze.h"
#include "analyzer/report/render.h"
#include "common/error.h"

using namespace memsift;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string compressed(ZSTD_compressBound(size), '\0');
  size_t n = ZSTD_compress(compressed.data(), compressed.size(), data, size, 1);
  if (ZSTD_isError(n)) return 0;
  int fd = ::memfd_create("memsift-fuzz", MFD_CLOEXEC);
  if (fd < 0) return 0;
  if (::write(fd, compressed.data(), n) == static_cast<ssize_t>(n)) {
    try {
      analysis::BundleData bundle = analysis::loadBundle("/proc/self/fd/" + std::to_string(fd));
      report::Report report = analysis::analyze(bundle);
      std::string out;
      for (auto f : {report::Format::kText, report::Format::kJson, report::Format::kMarkdown,
                     report::Format::kHtml}) {
        out.clear();
        report::renderReport(report, f, out);
      }
    } catch (const Error&) {
      // "not a bundle": refused with a message.
    }
  }
  ::close(fd);
  return 0;
}
