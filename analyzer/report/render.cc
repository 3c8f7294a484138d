// The format dispatcher: names to formats, formats to renderers.
#include "analyzer/report/render.h"

#include "analyzer/report/html_renderer.h"
#include "analyzer/report/json_renderer.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/text_renderer.h"
#include "common/error.h"

namespace memsift::report {

Format parseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  if (name == "markdown" || name == "md") return Format::kMarkdown;
  if (name == "html") return Format::kHtml;
  throwUsage("unknown report format '" + std::string(name) +
             "' (choose text, json, markdown or html)");
}

std::string_view formatName(Format format) {
  switch (format) {
    case Format::kText:
      return "text";
    case Format::kJson:
      return "json";
    case Format::kMarkdown:
      return "markdown";
    case Format::kHtml:
      return "html";
  }
  return "text";
}

void renderReport(const Report& report, Format format, std::string& out, const TextOptions& text) {
  switch (format) {
    case Format::kText:
      renderText(report, out, text);
      return;
    case Format::kJson:
      renderJson(report, out);
      return;
    case Format::kMarkdown:
      renderMarkdown(report, out);
      return;
    case Format::kHtml:
      renderHtml(report, out);
      return;
  }
}

void renderReport(const Report& report, Format format, std::ostream& out, const TextOptions& text) {
  std::string buffer;
  renderReport(report, format, buffer, text);
  out.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
}

}  // namespace memsift::report
