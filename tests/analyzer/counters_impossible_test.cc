// counters-impossible (issue 13 §2): a kernel whose meminfo cannot be true (as on UEK 6.12:
// Inactive(file) at 15x MemTotal, MemAvailable above MemTotal) gets a warning naming the
// counters in every format, and its ledger says its shares cannot be trusted instead of printing
// them; a healthy host gets neither.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/analyzer/generated_bundle.h"

using namespace memsift;
using nlohmann::json;

namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("counters-impossible: Inactive(file) at 15x MemTotal, MemAvailable above it") {
  test::GeneratedBundle b("healthy-x86", false,
                          "--meminfo-set 'Inactive(file)=15x' --meminfo-set 'MemAvailable=1.1x'");
  const json j = json::parse(b.report("json"));
  const json* finding = nullptr;
  for (const json& f : j["findings"])
    if (f["id"] == "counters-impossible") finding = &f;
  REQUIRE(finding != nullptr);
  CHECK((*finding)["severity"] == "warning");
  const std::string summary = (*finding)["summary"];
  CHECK_THAT(summary, Catch::Contains("Inactive(file)") && Catch::Contains("1500% of MemTotal") &&
                          Catch::Contains("MemAvailable") && Catch::Contains("a kernel bug") &&
                          Catch::Contains("go by the page frames"));
  // The evidence names each counter with its source.
  std::string fields;
  for (const json& e : (*finding)["evidence"])
    fields += e["source"]["field"].get<std::string>() + ";";
  CHECK_THAT(fields, Catch::Contains("Inactive(file);") && Catch::Contains("MemAvailable;"));
  CHECK(j["ledger"]["untrusted"] == true);

  for (const std::string format : {"text", "markdown", "html"}) {
    INFO(format);
    const std::string out = b.report(format);
    CHECK_THAT(out, Catch::Contains("counters-impossible") && Catch::Contains("cannot be true") &&
                        Catch::Contains("untrusted"));
    // The share is said in the finding, and nowhere else: the ledger says "untrusted".
    CHECK(count(out, "1500%") > 0);
    CHECK(count(out, "1500%") == count(out, "1500% of MemTotal"));
  }
}

TEST_CASE("counters-impossible: a healthy host has none, and a trusted ledger") {
  test::GeneratedBundle b("healthy-x86");
  const json j = json::parse(b.report("json"));
  for (const json& f : j["findings"])
    CHECK(f["id"] != "counters-impossible");
  CHECK(j["ledger"]["untrusted"] == false);
  CHECK(b.report("text").find("untrusted") == std::string::npos);
}
