// The JSON report: schema memsift-report/2 with every key issue 4 and docs/report-schema.md
// require, with the right types and values, and parseable back.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "analyzer/report/json_renderer.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;
using nlohmann::json;

namespace {

json renderParsed(const Report& r) {
  std::string out;
  renderJson(r, out);
  REQUIRE(!out.empty());
  CHECK(out.back() == '\n');
  // "schema" comes first, so that `head` on a file tells what it is.
  CHECK(out.rfind("{\n  \"schema\": \"memsift-report/2\",\n  \"host\": {", 0) == 0);
  return json::parse(out);  // throws, failing the test, when the output is not JSON
}

void requireKeys(const json& object, std::initializer_list<const char*> keys) {
  REQUIRE(object.is_object());
  for (const char* k : keys) {
    INFO("key " << k);
    CHECK(object.contains(k));
  }
}

}  // namespace

TEST_CASE("JSON report of the seed incident has every required key and value", "[report][json]") {
  json j = renderParsed(test::seedReport());
  requireKeys(j, {"schema", "host", "collection", "ledger", "anon", "findings", "processes",
                  "cgroups", "frames", "memory_map"});
  CHECK(j["schema"] == "memsift-report/2");

  const json& host = j["host"];
  requireKeys(host, {"hostname", "kernel", "arch", "page_size", "mem_total_bytes"});
  CHECK(host["hostname"] == "kvm-host-17");
  CHECK(host["kernel"] == "4.18.0-147.el8.aarch64");
  CHECK(host["arch"] == "aarch64");
  CHECK(host["page_size"].is_number_unsigned());
  CHECK(host["page_size"] == 65536);
  CHECK(host["mem_total_bytes"].is_number_unsigned());
  CHECK(host["mem_total_bytes"] == uint64_t{265856640} * 1024);
  CHECK(host["uptime_seconds"] == 1054800.0);

  requireKeys(j["collection"], {"complete", "missing"});
  CHECK(j["collection"]["complete"] == true);
  CHECK(j["collection"]["missing"].is_array());

  const json& ledger = j["ledger"];
  requireKeys(ledger, {"mem_total_bytes", "source", "lines", "residual_bytes"});
  REQUIRE(ledger["lines"].is_array());
  REQUIRE(ledger["lines"].size() == 12);
  int64_t sum = 0;
  for (const json& line : ledger["lines"]) {
    requireKeys(line, {"id", "label", "bytes", "source"});
    requireKeys(line["source"], {"member", "field"});
    sum += line["bytes"].get<int64_t>();
  }
  // Invariant: the lines plus the residual are MemTotal.
  CHECK(sum + ledger["residual_bytes"].get<int64_t>() == ledger["mem_total_bytes"].get<int64_t>());
  CHECK(ledger["residual_bytes"] == int64_t{3003200} * 1024);
  CHECK(ledger["lines"][3]["id"] == "anon_lru_active");
  CHECK(ledger["lines"][3]["bytes"] == uint64_t{236843328} * 1024);
  CHECK(ledger["lines"][3]["source"]["field"] == "Active(anon)");

  const json& anon = j["anon"];
  requireKeys(anon,
              {"lru_anon_bytes", "active_anon_bytes", "inactive_anon_bytes", "anon_pages_bytes",
               "shmem_bytes", "process_rss_anon_bytes", "process_pss_anon_bytes", "processes",
               "frames_lru_anon_bytes", "frames_anon_unmapped_bytes", "unexplained_bytes",
               "unexplained_share", "drift_bytes", "sources"});
  CHECK(anon["active_anon_bytes"] == uint64_t{236843328} * 1024);
  CHECK(anon["anon_pages_bytes"] == uint64_t{2868800} * 1024);
  CHECK(anon["shmem_bytes"] == uint64_t{1759232} * 1024);
  CHECK(anon["unexplained_bytes"] == uint64_t{233964928} * 1024);
  CHECK(anon["unexplained_share"].is_number_float());
  CHECK(anon["unexplained_share"].get<double>() == Approx(0.88).epsilon(0.01));
}

TEST_CASE("JSON findings carry THP figures, cgroups, nodes, ranges, evidence and next steps",
          "[report][json]") {
  json j = renderParsed(test::seedReport());
  REQUIRE(j["findings"].size() == 2);
  const json& f = j["findings"][0];
  requireKeys(
      f, {"id", "severity", "summary", "bytes", "pages", "thp_count", "thp_bytes", "thp_sizes",
          "thp_below_pmd", "cgroups", "nodes", "ranges", "range_count", "evidence", "next_steps"});
  CHECK(f["id"] == "unmapped-anon-thp");
  CHECK(f["severity"] == "critical");
  CHECK(f["summary"].is_string());
  CHECK(f["thp_count"] == 447);
  CHECK(f["thp_bytes"] == uint64_t{512} << 20);
  REQUIRE(f["thp_sizes"].size() == 1);
  CHECK(f["thp_sizes"][0]["bytes"] == uint64_t{512} << 20);
  CHECK(f["thp_sizes"][0]["count"] == 447);
  CHECK(f["thp_below_pmd"] == false);
  CHECK(f["bytes"] == 447 * (uint64_t{512} << 20));
  CHECK(f["pages"] == 447 * 8192);
  REQUIRE(f["cgroups"].size() == 3);
  requireKeys(f["cgroups"][0], {"path", "inode", "bytes"});
  CHECK(f["cgroups"][0]["path"] == "/machine.slice/machine-qemu\\x2d1\\x2dvm01.scope");
  CHECK(f["cgroups"][0]["inode"] == 4242);
  uint64_t cgroup_sum = 0, node_sum = 0;
  for (const json& c : f["cgroups"])
    cgroup_sum += c["bytes"].get<uint64_t>();
  for (const json& n : f["nodes"]) {
    requireKeys(n, {"node", "bytes"});
    node_sum += n["bytes"].get<uint64_t>();
  }
  CHECK(cgroup_sum == f["bytes"]);
  CHECK(node_sum == f["bytes"]);
  REQUIRE(f["ranges"].size() == 100);
  requireKeys(f["ranges"][0], {"start_pfn", "pages"});
  CHECK(f["ranges"][0]["start_pfn"] == 0x10000);
  CHECK(f["ranges"][1]["start_pfn"] == 0x12000);
  CHECK(f["ranges"][0]["pages"] == 0x2000);
  CHECK(f["range_count"] == 447);
  REQUIRE(f["evidence"].size() == 5);
  requireKeys(f["evidence"][0], {"text", "source"});
  CHECK(f["evidence"][0]["source"]["member"] == "pageframes");
  CHECK(f["evidence"][1]["source"]["member"] == "proc/meminfo");
  CHECK(f["next_steps"].size() == 3);

  // A finding that is not about THPs has no THP keys at all.
  const json& oom = j["findings"][1];
  CHECK(oom["id"] == "oom-kills");
  CHECK(oom["severity"] == "warning");
  CHECK(!oom.contains("thp_count"));
  CHECK(!oom.contains("thp_bytes"));
  CHECK(!oom.contains("thp_sizes"));
  CHECK(!oom.contains("thp_below_pmd"));
  CHECK(oom["bytes"] == 0);
  CHECK(oom["cgroups"].is_array());
}

TEST_CASE("JSON processes, cgroups, frames and map", "[report][json]") {
  json j = renderParsed(test::seedReport());
  REQUIRE(j["processes"].size() == 3);
  const json& p = j["processes"][0];
  requireKeys(p, {"pid", "comm", "cmdline", "cgroup", "rss_bytes", "pss_bytes", "uss_bytes",
                  "anon_bytes", "file_bytes", "shmem_bytes", "swap_bytes", "anon_huge_bytes"});
  CHECK(p["pid"] == 48211);
  CHECK(p["comm"] == "qemu-kvm");
  CHECK(j["process_count"] == 212);

  REQUIRE(j["cgroups"].size() == 2);
  requireKeys(j["cgroups"][0],
              {"path", "inode", "tasks", "usage_bytes", "limit_bytes", "stat_anon_bytes",
               "stat_file_bytes", "frame_bytes", "frame_unmapped_anon_bytes"});
  CHECK(j["cgroups"][0]["limit_bytes"].is_null());  // unlimited
  CHECK(j["cgroups"][0]["frame_unmapped_anon_bytes"] == 300 * (uint64_t{512} << 20));
  CHECK(j["cgroup_count"] == 46);

  const json& frames = j["frames"];
  requireKeys(frames, {"frames", "missing_frames", "categories"});
  uint64_t pages = 0;
  for (const json& c : frames["categories"]) {
    requireKeys(c, {"id", "label", "pages", "bytes", "nodes"});
    pages += c["pages"].get<uint64_t>();
    CHECK(c["bytes"] == c["pages"].get<uint64_t>() * 65536);
  }
  CHECK(pages == frames["frames"]);

  REQUIRE(j["memory_map"].size() == 512);
  requireKeys(j["memory_map"][0], {"start_pfn", "pages", "node", "category", "mix"});
  requireKeys(j["memory_map"][0]["mix"][0], {"category", "pages"});
}

TEST_CASE("JSON of a healthy host: no findings, no frames or map keys", "[report][json]") {
  json j = renderParsed(test::healthyReport());
  CHECK(j["findings"].is_array());
  CHECK(j["findings"].empty());
  CHECK(!j.contains("frames"));
  CHECK(!j.contains("memory_map"));
  CHECK(j["anon"]["frames_lru_anon_bytes"].is_null());
  CHECK(j["anon"]["drift_bytes"].is_null());
  CHECK(j["host"]["page_size"] == 4096);
}

TEST_CASE("JSON damage records give member, offset, kind and the reader's sentence",
          "[report][json]") {
  Report r = test::healthyReport();
  CHECK(renderParsed(r)["collection"]["damage"] == json::array());
  r.collection.damage = {
      {"proc/meminfo", 2976, bundle::DamageKind::kTruncated,
       "bundle truncated in member proc/meminfo at byte 2976"},
      {"", 0, bundle::DamageKind::kResumed, "reading resumed at compressed byte 81920"}};
  const json damage = renderParsed(r)["collection"]["damage"];
  REQUIRE(damage.size() == 2);
  CHECK(damage[0] == json{{"member", "proc/meminfo"},
                          {"offset", 2976},
                          {"kind", "truncated"},
                          {"text", "bundle truncated in member proc/meminfo at byte 2976"}});
  CHECK(damage[1]["member"] == "");
  CHECK(damage[1]["kind"] == "resumed");
  CHECK(damage[1]["offset"].is_number_unsigned());
}

TEST_CASE("JSON caps ranges at 100 and keeps a negative residual signed", "[report][json]") {
  Report r = test::seedReport();
  for (uint64_t i = 100; i < 150; ++i)
    r.findings[0].ranges.push_back({Pfn(0x10000 + i * 0x2000), PageCount(0x2000)});
  r.ledger.residual_bytes = -123456789;
  json j = renderParsed(r);
  CHECK(j["findings"][0]["ranges"].size() == 100);
  CHECK(j["findings"][0]["range_count"] == 447);
  CHECK(j["ledger"]["residual_bytes"].is_number_integer());
  CHECK(j["ledger"]["residual_bytes"] == -123456789);
}

TEST_CASE("JSON survives host strings that are not UTF-8 or are markup", "[report][json]") {
  Report r = test::seedReport();
  test::addHostileProcess(r);
  r.processes[1].comm = "bad\xff\xfe";
  r.processes[1].cmdline = std::string("nul\0inside", 10);
  json j = renderParsed(r);
  CHECK(j["processes"][0]["comm"] == "<script>alert(1)</script>");    // JSON is data, not markup
  CHECK(j["processes"][1]["comm"] == "bad\xef\xbf\xbd\xef\xbf\xbd");  // U+FFFD twice
  CHECK(j["processes"][1]["cmdline"].get<std::string>().size() == 10);
}
