// The HTML report's style sheet and colors (see html_style.h).
#include "analyzer/report/html_style.h"

#include <iterator>

namespace memsift::report::html {
namespace {

// Colors of the frame categories (analyzer/frames/frame_category.cc ids): anonymous memory in
// blues, with what nobody maps in reds so a leak jumps out of the map; file in greens.
struct CategoryColor {
  std::string_view id, color;
};
constexpr CategoryColor kCategoryColors[] = {
    {"free", "#e3e3e3"},
    {"anon_mapped", "#4e79a7"},
    {"anon_unmapped", "#e8787a"},
    {"anon_thp_mapped", "#86bcf0"},
    {"anon_thp_partly_mapped", "#f28e2b"},
    {"anon_thp_unmapped", "#c1121f"},
    {"file_mapped", "#59a14f"},
    {"file_unmapped", "#b5dca8"},
    {"shmem_mapped", "#9467bd"},
    {"shmem_unmapped", "#d2b6e8"},
    {"slab", "#edc948"},
    {"page_table", "#9c755f"},
    {"hugetlb_mapped", "#17becf"},
    {"hugetlb_unmapped", "#a6e3ea"},
    {"kernel", "#6f6f6f"},
    {"unflagged", "#b8aca6"},
    {"offline", "#f7f7f7"},
    {"hole", "#ffffff"},
    {"other", "#2b2b2b"},
};
// For ledger lines and categories this renderer does not know.
constexpr std::string_view kPalette[] = {"#4e79a7", "#59a14f", "#edc948", "#b07aa1", "#76b7b2",
                                         "#f28e2b", "#9c755f", "#bab0ac", "#86bcf0", "#8cd17d",
                                         "#d4a6c8", "#79706e", "#b6992d", "#499894"};

}  // namespace

std::string_view categoryColor(std::string_view id) {
  for (const CategoryColor& c : kCategoryColors)
    if (c.id == id) return c.color;
  size_t h = 0;
  for (char c : id)
    h = h * 31 + static_cast<unsigned char>(c);
  return kPalette[h % std::size(kPalette)];
}

// Ledger lines in the colors of the frame categories they correspond to, so the ledger bar and
// the memory map tell the same story; unknown lines take the palette in order.
std::string_view ledgerColor(std::string_view id, size_t index) {
  struct Prefix {
    std::string_view prefix, color;
  };
  static constexpr Prefix kPrefixes[] = {
      {"free", "#c9c9c9"},
      {"anon_lru_active", "#4e79a7"},
      {"anon_lru_inactive", "#86bcf0"},
      {"anon", "#4e79a7"},
      {"file_lru_active", "#59a14f"},
      {"file_lru_inactive", "#b5dca8"},
      {"file", "#59a14f"},
      {"shmem", "#9467bd"},
      {"unevictable", "#f28e2b"},
      {"slab_reclaimable", "#f1d77a"},
      {"slab", "#edc948"},
      {"kernel_stack", "#bab0ac"},
      {"page_table", "#9c755f"},
      {"vmalloc", "#79706e"},
      {"percpu", "#d4a6c8"},
      {"hugetlb", "#17becf"},
  };
  for (const Prefix& p : kPrefixes)
    if (id.substr(0, p.prefix.size()) == p.prefix) return p.color;
  return kPalette[index % std::size(kPalette)];
}

const std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
margin:0 auto;max-width:1180px;padding:16px 24px;background:#fff}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #ddd;
padding-bottom:4px}h3{font-size:16px;margin:4px 0 8px}h4{font-size:14px;margin:12px 0 4px}
.facts{color:#555;margin:0}.banner{background:#fff3cd;border:1px solid #e0b400;padding:8px 12px;
border-radius:6px;margin:12px 0}.ok{background:#e7f6e7;border:1px solid #7bc47f;padding:10px 14px;
border-radius:6px}.finding{border:1px solid #ccc;border-left:8px solid #888;border-radius:6px;
padding:10px 16px;margin:12px 0;background:#fcfcfc}.sev-critical{border-left-color:#c1121f}
.sev-warning{border-left-color:#e69500}.sev-info{border-left-color:#4e79a7}
.sev{display:inline-block;font-size:12px;font-weight:700;color:#fff;border-radius:4px;
padding:1px 7px;margin-right:8px;vertical-align:2px}.sev-critical .sev{background:#c1121f}
.sev-warning .sev{background:#e69500}.sev-info .sev{background:#4e79a7}
.big{font-size:20px;font-weight:700;margin-left:8px}.id{font-family:ui-monospace,monospace;
font-size:13px;color:#444}.src{font-family:ui-monospace,monospace;font-size:12px;color:#666;
background:#f1f1f1;border-radius:3px;padding:0 4px;margin-left:6px}
table{border-collapse:collapse;margin:6px 0 10px}td,th{padding:3px 10px;border-bottom:1px solid #eee;
text-align:left;vertical-align:top}th{background:#f5f5f5;font-weight:600}td.n,th.n{text-align:right;
font-variant-numeric:tabular-nums;white-space:nowrap}tr.residual td{background:#fde2e2;
font-weight:700}.sw{display:inline-block;width:12px;height:12px;border-radius:2px;
vertical-align:-1px;margin-right:6px;border:1px solid #0002}
.bars{display:grid;grid-template-columns:minmax(160px,340px) 1fr 150px;gap:3px 10px;
align-items:center;margin:6px 0 12px}.bars .l{overflow:hidden;text-overflow:ellipsis;
white-space:nowrap;font-size:13px}.bars .v{text-align:right;font-variant-numeric:tabular-nums;
font-size:13px;white-space:nowrap}.map rect{stroke:#00000018;stroke-width:.5}.track{background:#f0f0f0;height:16px;border-radius:3px;display:flex;overflow:hidden}
.track span{display:block;height:100%}code,.mono{font-family:ui-monospace,monospace;font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0 10px;font-size:13px}
.node{margin:10px 0 16px}.node h4{margin:4px 0}svg{display:block;max-width:100%;height:auto}
details{margin:6px 0}summary{cursor:pointer;color:#345}footer{color:#777;font-size:12px;
margin-top:32px;border-top:1px solid #ddd;padding-top:8px}ul,ol{margin:4px 0 8px;padding-left:24px}
)";

}  // namespace memsift::report::html
