// The diff's renderers: each places the DiffView's sections in its format; JSON carries the
// model's raw bytes.
#include "analyzer/report/diff_renderer.h"

#include <nlohmann/json.hpp>

#include "analyzer/report/diff_view.h"
#include "analyzer/report/html_renderer.h"
#include "analyzer/report/html_style.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/markup.h"
#include "analyzer/report/text_layout.h"
#include "analyzer/report/worded_table.h"

namespace memsift::report {
namespace {

using json = nlohmann::ordered_json;

json optionalBytes(const std::optional<ByteCount>& b) {
  return b ? json(b->value()) : json(nullptr);
}

// `head` (the keys that name the figure) followed by the change's figures.
json changeJson(const DiffReport& d, const Change& c, json head = json::object()) {
  const std::optional<double> rate = perHour(d, c.delta());
  head["before_bytes"] = optionalBytes(c.before);
  head["after_bytes"] = optionalBytes(c.after);
  head["change_bytes"] = c.delta();
  head["bytes_per_hour"] = rate ? json(*rate) : json(nullptr);
  return head;
}

json sideJson(const DiffSide& s) {
  return {{"hostname", s.hostname},
          {"kernel", s.kernel},
          {"boot_id", s.boot_id},
          {"collected_at", s.collected_at},
          {"uptime_seconds", s.uptime_seconds ? json(*s.uptime_seconds) : json(nullptr)}};
}

void renderJson(const DiffReport& d, std::string& out) {
  json j = {{"schema", d.schema},
            {"before", sideJson(d.before)},
            {"after", sideJson(d.after)},
            {"same_host", d.same_host},
            {"same_boot", d.same_boot ? json(*d.same_boot) : json(nullptr)},
            {"forced", d.forced},
            {"elapsed_seconds", d.elapsed_seconds ? json(*d.elapsed_seconds) : json(nullptr)},
            {"elapsed_source", d.elapsed_source},
            {"frames", d.frames}};
  json findings = json::array();
  for (const FindingChange& f : d.findings) {
    findings.push_back(
        changeJson(d, f.bytes, {{"id", f.id}, {"severity", f.severity}, {"status", f.status}}));
  }
  j["findings"] = std::move(findings);
  auto list = [&](const std::vector<Change>& changes) {
    json a = json::array();
    for (const Change& c : changes) {
      a.push_back(changeJson(d, c, {{"id", c.id}, {"label", c.label}}));
    }
    return a;
  };
  j["ledger"] = list(d.ledger);
  j["categories"] = list(d.categories);
  json nodes = json::array();
  for (const CategoryNodeChange& n : d.category_nodes) {
    nodes.push_back(changeJson(d, n.bytes, {{"category", n.category}, {"node", n.node}}));
  }
  j["category_nodes"] = std::move(nodes);
  json pairs = json::array();
  for (const CategoryCgroupChange& c : d.category_cgroups) {
    pairs.push_back(changeJson(d, c.bytes, {{"category", c.category}, {"cgroup", c.cgroup}}));
  }
  j["category_cgroups"] = std::move(pairs);
  j["category_cgroup_count"] = d.category_cgroup_count;
  json cgroups = json::array();
  for (const CgroupChange& c : d.cgroups) {
    cgroups.push_back({{"path", c.path},
                       {"appeared", c.appeared},
                       {"gone", c.gone},
                       {"usage", changeJson(d, c.usage)},
                       {"frames", changeJson(d, c.frames)},
                       {"unmapped_anon", changeJson(d, c.unmapped)}});
  }
  j["cgroups"] = std::move(cgroups);
  j["cgroup_count"] = d.cgroup_count;
  json processes = json::array();
  for (const ProcessChange& p : d.processes) {
    processes.push_back({{"pid", p.pid},
                         {"comm", p.comm},
                         {"cgroup", p.cgroup},
                         {"appeared", p.appeared},
                         {"gone", p.gone},
                         {"rss", changeJson(d, p.rss)},
                         {"anon", changeJson(d, p.anon)}});
  }
  j["processes"] = std::move(processes);
  j["process_count"] = d.process_count;
  j["processes_appeared"] = d.processes_appeared;
  j["processes_gone"] = d.processes_gone;
  out += j.dump(2, ' ', false, json::error_handler_t::replace);
  out += '\n';
}

void renderText(const DiffView& v, std::string& out) {
  out += printable(v.title) + "\n";
  text::wrapped(out, "  ", "  ", printable(v.headline));
  for (const DiffSection& s : v.sections) {
    std::string title;
    for (char c : s.title)
      title += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    out += "\n" + title + "\n" + std::string(title.size(), '=') + "\n";
    for (const std::string& sentence : s.sentences)
      text::wrapped(out, "", "", printable(sentence));
    if (!s.rows.empty()) textTable(out, s.columns, s.rows, 24, text::kWrapWidth);
  }
}

void renderMarkdown(const DiffView& v, std::string& out) {
  out += "# " + markdownEscape(v.title) + "\n\n" + markdownEscape(v.headline) + "\n\n";
  for (const DiffSection& s : v.sections) {
    out += "## " + s.title + "\n\n";
    for (const std::string& sentence : s.sentences)
      out += markdownEscape(sentence) + "\n\n";
    if (!s.rows.empty()) markdownTable(out, s.columns, s.rows);
  }
}

void renderHtml(const DiffView& v, std::string& out) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
         htmlEscape(v.title) + "</title>\n<style>\n" + std::string(html::kStyle) +
         "</style>\n</head>\n<body>\n<header><h1>" + htmlEscape(v.title) + "</h1>\n<p>" +
         htmlEscape(v.headline) + "</p></header>\n";
  for (const DiffSection& s : v.sections) {
    out += "<section>\n<h2>" + htmlEscape(s.title) + "</h2>\n";
    for (const std::string& sentence : s.sentences)
      out += "<p>" + htmlEscape(sentence) + "</p>\n";
    if (!s.rows.empty()) htmlTable(out, s.columns, s.rows);
    out += "</section>\n";
  }
  out += "<footer>Generated by memsift diff (schema memsift-diff/1).</footer>\n</body>\n</html>\n";
}

}  // namespace

void renderDiff(const DiffReport& d, Format format, std::string& out) {
  if (format == Format::kJson) return renderJson(d, out);
  const DiffView v = diffView(d);
  if (format == Format::kMarkdown) return renderMarkdown(v, out);
  if (format == Format::kHtml) return renderHtml(v, out);
  renderText(v, out);
}

}  // namespace memsift::report
