// The HTML report: well-formed, self-contained, findings first, pictures present, everything
// from the bundle escaped, and small even for a huge memory map.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/wording.h"
#include "tests/analyzer/sample_report.h"

using namespace memsift;
using namespace memsift::report;

namespace {

std::string html(const Report& r) {
  std::string out;
  renderHtml(r, out);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Checks that tags nest and close: every start tag (except HTML's void elements and tags closed
// with "/>") has its end tag in the right order, attribute values are quoted, and no raw '<'
// appears in text. Returns "" when well-formed, else what is wrong and where.
std::string checkWellFormed(const std::string& doc) {
  static const std::vector<std::string> kVoid = {"area",   "base",  "br",    "col",  "embed",
                                                 "hr",     "img",   "input", "link", "meta",
                                                 "source", "track", "wbr"};
  std::vector<std::string> stack;
  size_t i = 0;
  while ((i = doc.find('<', i)) != std::string::npos) {
    if (doc.compare(i, 4, "<!--") == 0) {
      size_t end = doc.find("-->", i);
      if (end == std::string::npos) return "unterminated comment at " + std::to_string(i);
      i = end + 3;
      continue;
    }
    if (doc.compare(i, 2, "<!") == 0) {  // DOCTYPE
      i = doc.find('>', i);
      if (i == std::string::npos) return "unterminated doctype";
      continue;
    }
    bool closing = doc.compare(i, 2, "</") == 0;
    size_t name_begin = i + (closing ? 2 : 1);
    if (name_begin >= doc.size() || !std::isalpha(static_cast<unsigned char>(doc[name_begin])))
      return "raw '<' in text at " + std::to_string(i);
    size_t name_end = name_begin;
    while (name_end < doc.size() &&
           (std::isalnum(static_cast<unsigned char>(doc[name_end])) || doc[name_end] == '-'))
      ++name_end;
    std::string name = lower(doc.substr(name_begin, name_end - name_begin));
    // Scan the tag to its '>', skipping quoted attribute values.
    size_t j = name_end;
    char quote = 0;
    for (; j < doc.size(); ++j) {
      char c = doc[j];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        if (doc[j - 1] != '=') return "quote outside an attribute value in <" + name + ">";
        quote = c;
      } else if (c == '<') {
        return "'<' inside tag <" + name + "> at " + std::to_string(j);
      } else if (c == '>') {
        break;
      }
    }
    if (j >= doc.size()) return "unterminated tag <" + name + ">";
    bool self_closed = doc[j - 1] == '/';
    if (closing) {
      if (stack.empty() || stack.back() != name)
        return "</" + name + "> closes <" + (stack.empty() ? "nothing" : stack.back()) + "> at " +
               std::to_string(i);
      stack.pop_back();
    } else if (!self_closed && std::find(kVoid.begin(), kVoid.end(), name) == kVoid.end()) {
      stack.push_back(name);
      if (name == "style") {  // raw text: jump to its end tag
        size_t end = doc.find("</style>", j);
        if (end == std::string::npos) return "unterminated <style>";
        j = end - 1;
      }
    }
    i = j + 1;
  }
  if (!stack.empty()) return "<" + stack.back() + "> never closed";
  return "";
}

size_t count(const std::string& s, std::string_view needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("the tag checker catches what it must", "[report][html]") {
  CHECK(checkWellFormed("<html><body><p>x</p></body></html>").empty());
  CHECK(checkWellFormed("<p><b>x</p></b>") != "");
  CHECK(checkWellFormed("<p>x") != "");
  CHECK(checkWellFormed("<p>a < b</p>") != "");
  CHECK(checkWellFormed("<p>a <0.1%</p>") != "");
  CHECK(checkWellFormed("<p title=\"a\" x\"y\">z</p>") != "");
  CHECK(checkWellFormed("<svg><rect x=\"1\"/></svg><br>").empty());
}

TEST_CASE("HTML of the seed incident is well-formed and self-contained", "[report][html]") {
  std::string h = html(test::seedReport());
  INFO(checkWellFormed(h));
  CHECK(checkWellFormed(h).empty());
  CHECK(h.find("<!DOCTYPE html>") == 0);
  CHECK(h.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(h.find("Content-Security-Policy") != std::string::npos);
  // Nothing fetched, nothing run: no scripts, no external references.
  std::string l = lower(h);
  CHECK(l.find("<script") == std::string::npos);
  CHECK(l.find("src=") == std::string::npos);
  CHECK(l.find("http://") == std::string::npos);
  CHECK(l.find("https://") == std::string::npos);
  CHECK(l.find("@import") == std::string::npos);
  CHECK(count(l, "url(") == count(l, "url(#"));
  CHECK(count(l, "href=\"") == count(l, "href=\"#"));
}

TEST_CASE("HTML shows the findings first, then the pictures", "[report][html]") {
  std::string h = html(test::seedReport());
  size_t findings = h.find("<section id=\"findings\">"), ledger = h.find("<section id=\"ledger\">"),
         anon = h.find("<section id=\"anon\">"), map = h.find("<section id=\"map\">"),
         cgroups = h.find("<section id=\"cgroups\">"),
         processes = h.find("<section id=\"processes\">"),
         collection = h.find("<section id=\"collection\">");
  CHECK(findings < ledger);
  CHECK(ledger < anon);
  CHECK(anon < map);
  CHECK(map < cgroups);
  CHECK(cgroups < processes);
  CHECK(processes < collection);
  CHECK(collection != std::string::npos);

  CHECK(h.find("<article class=\"finding sev-critical\">") < ledger);
  CHECK(h.find("223.5 GiB</span> = 447 THPs × 512 MiB, 3,661,824 pages, 88.2% of MemTotal") <
        ledger);
  CHECK(h.find("<h4>Evidence</h4>") < ledger);
  CHECK(h.find("<span class=\"src\">pageframes · kpageflags, kpagecount</span>") < ledger);
  CHECK(h.find("<h4>What to do next</h4>") < ledger);
  CHECK(h.find("0x10000+8,192, 0x12000+8,192") < ledger);
  // The ledger bar with the residual hatched and labelled, and its table row.
  CHECK(h.find("fill=\"url(#hatch)\"") != std::string::npos);
  CHECK(h.find(">residual 2.9 GiB</text>") != std::string::npos);
  CHECK(h.find("<tr class=\"residual\">") != std::string::npos);
  // The waterfall ends in what nobody maps.
  CHECK(h.find("On the anon LRU, mapped by nobody: 223.1 GiB") != std::string::npos);
  CHECK(h.find("= mapped by nobody</text>") != std::string::npos);
  // The map: both nodes, a legend, hover titles with the mix.
  CHECK(h.find("<h4>NUMA node 0: PFN 0x0–0x1fffff") != std::string::npos);
  CHECK(h.find("<h4>NUMA node 1: PFN 0x200000–0x3fffff") != std::string::npos);
  CHECK(h.find("<div class=\"legend\">") != std::string::npos);
  CHECK(h.find("<title>PFN 0x10000–0x11fff, 512 MiB: anonymous THP, unmapped (anonymous THP, "
               "unmapped 100%)</title>") != std::string::npos);
  CHECK(count(h, "fill=\"#c1121f\"><title>PFN") == 447);  // one red cell per leaked THP
}

TEST_CASE("HTML escapes everything that came from the bundle", "[report][html]") {
  CHECK(htmlEscape("<a href='x'>\"&\"</a>") ==
        "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  Report r = test::seedReport();
  test::addHostileProcess(r);
  r.host.hostname = "<img src=x onerror=alert(3)>";
  std::get<report::OomFacts>(r.findings[1].facts).messages[0].text =
      "</li><script>alert(4)</script>";
  r.collection.missing = {{"proc/\"><svg onload=alert(5)>", "denied", "<b>x</b>"}};
  std::string h = html(r);
  INFO(checkWellFormed(h));
  CHECK(checkWellFormed(h).empty());
  std::string l = lower(h);
  CHECK(l.find("<script") == std::string::npos);
  CHECK(l.find("<img") == std::string::npos);
  CHECK(l.find("<svg onload") == std::string::npos);
  CHECK(l.find("<b>x") == std::string::npos);
  CHECK(h.find("<script>alert(1)</script>") == std::string::npos);
  CHECK(h.find("<img src=x onerror=alert(2)>") == std::string::npos);
  CHECK(h.find("&lt;script&gt;alert(1)&lt;/script&gt; (6666)") != std::string::npos);
  CHECK(h.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  CHECK(h.find("\x1b") == std::string::npos);
  CHECK(h.find("/evil.slice/&quot;q&quot;&amp;&#39;a&#39;|b*_[x](y)") != std::string::npos);
}

TEST_CASE("HTML of a healthy host: no findings, no map, still well-formed", "[report][html]") {
  std::string h = html(test::healthyReport());
  CHECK(checkWellFormed(h).empty());
  CHECK(h.find("<b>No findings.</b>") != std::string::npos);
  CHECK(h.find("<article") == std::string::npos);
  CHECK(h.find("no map of physical memory") != std::string::npos);
  CHECK(h.find("Partial report") == std::string::npos);
}

TEST_CASE("HTML of a partial collection says what was missing", "[report][html]") {
  Report r = test::healthyReport();
  r.collection.complete = false;
  r.collection.partial = true;
  r.collection.missing = {{"proc/kpageflags", "denied", "run memsift-collect as root"}};
  r.collection.damage = {{"proc/vmstat", 1200, bundle::DamageKind::kTruncated,
                          "member proc/vmstat: truncated at byte 1200"}};
  r.collection.limitations = {{LimitationKind::kNoPageTables, {}, 0, 0, {}}};
  r.ledger.residual_bytes = -(int64_t{3} << 30);
  std::string h = html(r);
  CHECK(checkWellFormed(h).empty());
  CHECK(h.find("<b>Partial report.</b>") < h.find("<section id=\"findings\">"));
  CHECK(h.find("<td class=\"mono\">proc/kpageflags</td><td>denied</td>") != std::string::npos);
  CHECK(h.find("Bundle damage: member proc/vmstat: truncated at byte 1200") != std::string::npos);
  CHECK(h.find("<li>page-frame classification, unmapped THP and base-page detection, and where "
               "memory is (NUMA nodes, cgroups, physical ranges): the bundle has no page-frame "
               "tables (run memsift-collect as root)</li>") != std::string::npos);
  CHECK(h.find("the parts overshoot by 3 GiB") != std::string::npos);
  CHECK(h.find("<td class=\"n\">-3 GiB</td>") != std::string::npos);
}

TEST_CASE("HTML stays under 2 MiB with a full map, every cell drawn", "[report][html]") {
  Report r = test::seedReport();
  // The analysis bins the map once, into at most kMaxMapCells cells: the renderer draws them all.
  test::setMapCells(r, kMaxMapCells);
  for (int i = 0; i < 200; ++i)
    r.processes.push_back(r.processes[0]);
  std::string h = html(r);
  std::printf("HTML report with %zu map cells: %zu bytes\n", r.memory_map.size(), h.size());
  CHECK(h.size() <= size_t{2} << 20);
  CHECK(checkWellFormed(h).empty());
  size_t map_begin = h.find("<section id=\"map\">"), map_end = h.find("</section>", map_begin);
  std::string map = h.substr(map_begin, map_end - map_begin);
  CHECK(count(map, "<rect") == kMaxMapCells);
  CHECK(map.find("drawn as one") == std::string::npos);
  // The leaked region is red.
  CHECK(count(map, "fill=\"#c1121f\"") > 50);
}

TEST_CASE("HTML map draws frames outside known nodes after the nodes", "[report][html]") {
  Report r = test::seedReport();
  r.memory_map.push_back({Pfn(0x400000), PageCount(0x2000), -1, "hole", {{"hole", 0x2000}}});
  std::string h = html(r);
  CHECK(checkWellFormed(h).empty());
  size_t node1 = h.find("<h4>NUMA node 1:"), outside = h.find("<h4>Outside known NUMA nodes:");
  CHECK(node1 != std::string::npos);
  CHECK(outside != std::string::npos);
  CHECK(node1 < outside);
}

TEST_CASE("HTML cgroup bars count what is charged below a cgroup too", "[report][html]") {
  // v2 charges pages to leaves: a parent's own frames are 0, its usage and subtree are not.
  Report r = test::seedReport();
  CgroupRow& vm = r.cgroups[0];
  vm.subtree_frame_bytes = vm.frame_bytes;
  vm.subtree_frame_unmapped_anon = vm.frame_unmapped_anon;
  CgroupRow parent;
  parent.path = "/machine.slice";
  parent.inode = 40;
  parent.usage = vm.usage;
  parent.frame_bytes = ByteCount();
  parent.frame_unmapped_anon = ByteCount();
  parent.subtree_frame_bytes = vm.frame_bytes;
  parent.subtree_frame_unmapped_anon = vm.frame_unmapped_anon;
  r.cgroups.push_back(parent);
  const std::string h = html(r);
  const size_t label = h.find("<div class=\"l\" title=\"/machine.slice: ");
  REQUIRE(label != std::string::npos);
  const std::string row = h.substr(label, h.find("<div class=\"v\">", label) - label);
  CHECK(row.find("charged to it alone 0 B") != std::string::npos);
  // The same bar as its only child's: red for the unmapped THPs, blue for the rest.
  CHECK(row.find("background:#c1121f\" title=\"mapped by nobody: 150 GiB\"") != std::string::npos);
  CHECK(row.find("background:#4e79a7") != std::string::npos);
}
