// How the HTML report looks: its style sheet and the colors of frame categories and ledger
// lines, shared by the ledger bar, the page-frame bars and the physical memory map so that one
// kind of memory has one color everywhere.
#pragma once

#include <cstddef>
#include <string_view>

namespace memsift::report::html {

// The document's inline style sheet.
extern const std::string_view kStyle;

// A frame category's color (analyzer/frames/frame_category.cc ids); an unknown id gets a stable
// one from the palette.
std::string_view categoryColor(std::string_view id);
// A ledger line's color: that of the frame category it corresponds to; unknown lines take the
// palette in order (`index`: the line's position).
std::string_view ledgerColor(std::string_view id, size_t index);

}  // namespace memsift::report::html
