// A bundle collected (memsift-collect --root) from a root memsift-testgen writes, optionally as
// from a restricted host (no kpagecgroup, no memory-block sysfs); the files live as long as it.
#pragma once

#include <string>

#include "tests/test_support.h"

namespace memsift::test {

// memsift-testgen CASE DIR/root (expectations in DIR/expected.json); returns the root's path.
std::string generateRoot(const TempDir& dir, const std::string& test_case = "healthy-x86",
                         const std::string& testgen_options = "");

struct GeneratedBundle {
  TempDir dir;
  std::string path = (dir / "bundle.tar.zst").string();
  // `testgen_options` are appended to `memsift-testgen CASE ROOT` as they are (shell words);
  // `without_zoneinfo` removes proc/zoneinfo too: with `restricted`, no memory layout at all.
  explicit GeneratedBundle(const std::string& test_case, bool restricted = false,
                           const std::string& testgen_options = "", bool without_zoneinfo = false);
  // `memsift report` of it in `format` (text, json, markdown, html); REQUIREs exit 0, or 4
  // (partial).
  std::string report(const std::string& format) const;
};

}  // namespace memsift::test
