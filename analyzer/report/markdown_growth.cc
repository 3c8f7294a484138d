// The Markdown report's Growth section (a bundle with a snapshot series): the GrowthView's
// tables as pipe tables.
#include "analyzer/report/growth_view.h"
#include "analyzer/report/markdown_renderer.h"
#include "analyzer/report/worded_table.h"

namespace memsift::report {

void renderGrowthMarkdown(const Report& r, std::string& out) {
  if (!r.growth) return;
  const GrowthView v = growthView(*r.growth);
  out.append("### Growth\n\n").append(markdownEscape(v.headline)).append("\n\n");
  for (const GrowthTable& t : v.tables) {
    out.append("#### ").append(markdownEscape(t.title)).append("\n\n");
    if (!t.note.empty()) out.append(markdownEscape(t.note)).append("\n\n");
    if (!t.rows.empty()) markdownTable(out, t.columns, t.rows);
  }
}

}  // namespace memsift::report
