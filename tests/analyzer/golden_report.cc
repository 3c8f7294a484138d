// Golden reports (see golden_report.h).
#include "tests/analyzer/golden_report.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "analyzer/report/json_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/text_renderer.h"
#include "tests/test_support.h"

namespace memsift::test {

namespace {

namespace fs = std::filesystem;

// Replaces the number `from` written after `prefix` ("@", "inode ") by `to`, whole numbers
// only: 1234 is not replaced inside 12345.
void replaceNumber(std::string& s, const std::string& prefix, uint64_t from, uint64_t to) {
  const std::string a = prefix + std::to_string(from), b = prefix + std::to_string(to);
  for (size_t pos = s.find(a); pos != std::string::npos; pos = s.find(a, pos)) {
    const size_t end = pos + a.size();
    if (end < s.size() && s[end] >= '0' && s[end] <= '9') {
      pos = end;
      continue;
    }
    s.replace(pos, a.size(), b);
    pos += b.size();
  }
}

// The report is deterministic for a given bundle; two runs of the same case differ only in
// what the host hands out at run time, masked here before rendering:
// - host.collected_at, the collector's clock;
// - memory cgroup inode numbers: the generator creates the cgroup directories, and kpagecgroup
//   must hold their real inode numbers (what the collector stats), which the file system picks.
//   Each becomes 900001 + its cgroup's position in expected.json's "cgroups" (the paths and their
//   order are the generator's), in numbers and "@INODE" paths (the findings' sentences are made
//   from these at render time, so "inode N" in evidence follows).
// An inode the expectations do not know fails the test instead of leaking into a golden file.
void mask(report::Report& r, const nlohmann::json& expected) {
  r.host.collected_at = "YYYY-MM-DDTHH:MM:SSZ";
  std::map<uint64_t, uint64_t> inodes;
  for (const nlohmann::json& c : expected["cgroups"])
    inodes.emplace(c["inode"].get<uint64_t>(), 900001 + inodes.size());
  auto masked = [&](uint64_t inode) -> uint64_t {
    if (inode == 0) return 0;
    auto it = inodes.find(inode);
    CHECK(it != inodes.end());
    return it == inodes.end() ? inode : it->second;
  };
  auto maskText = [&](std::string& s) {
    for (const auto& [real, fake] : inodes) {
      replaceNumber(s, "@", real, fake);
      replaceNumber(s, "inode ", real, fake);
    }
  };
  for (report::Finding& f : r.findings) {
    for (report::CgroupBytes& c : f.cgroups) {
      c.inode = masked(c.inode);
      maskText(c.path);
    }
  }
  for (report::CgroupRow& c : r.cgroups) {
    c.inode = masked(c.inode);
    maskText(c.path);
  }
}

// The first line where two texts differ, both versions, for the failure message.
std::string firstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (size_t line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "they differ only in their last newline";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ":\n  golden: " + (more_a ? la : "(end)") +
             "\n  report: " + (more_b ? lb : "(end)");
    }
  }
}

void compareOrWrite(const fs::path& golden, const std::string& report) {
  const char* update = std::getenv("MEMSIFT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    writeFile(golden, report);
    WARN("wrote " << golden.string());
    return;
  }
  INFO("golden file " << golden.string());
  REQUIRE(fs::exists(golden));
  const std::string want = readFile(golden);
  if (want != report) {
    FAIL("the report differs from its golden file at " << firstDifference(want, report)
                                                       << "\nIf the change is intended: "
                                                          "MEMSIFT_UPDATE_GOLDEN=1 "
                                                          "build/bin/analyzer_tests \"[golden]\"");
  }
}

// Every error, with where in the document it is; exit 1 when there is one.
constexpr const char* kValidator = R"(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
errors = sorted(Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))), key=str)
for e in errors:
    print('/'.join(str(p) for p in e.absolute_path) + ': ' + e.message)
sys.exit(1 if errors else 0)
)";

}  // namespace

SchemaCheck validateReportJson(const std::string& json_text) {
  if (run("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null").exit_code != 0)
    skipTest("python3-jsonschema is not installed (.ci/install-deps installs it)");
  TempDir dir;
  writeFile(dir / "report.json", json_text);
  writeFile(dir / "validate.py", kValidator);
  CommandResult r = run("/usr/bin/python3 " + (dir / "validate.py").string() + " " +
                        (sourceDir() / "docs/report-schema.json").string() + " " +
                        (dir / "report.json").string());
  return {r.exit_code == 0, r.out};
}

void checkGoldenReports(const std::string& case_name, report::Report report,
                        const nlohmann::json& expected) {
  mask(report, expected);
  const fs::path dir = sourceDir() / "testdata/golden";
  std::string text, markdown;
  report::renderText(report, text);
  report::renderMarkdown(report, markdown);
  compareOrWrite(dir / (case_name + ".txt"), text);
  compareOrWrite(dir / (case_name + ".md"), markdown);
  std::string json;
  report::renderJson(report, json);
  SchemaCheck schema = validateReportJson(json);
  INFO("the JSON report of " << case_name << " against docs/report-schema.json:\n" << schema.out);
  CHECK(schema.valid);
}

}  // namespace memsift::test
