// Host strings and analyzer prose made safe for a format and laid out: the escape behind the
// Markdown and HTML escapes, terminal widths, and the code spans of next steps.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/text/terminal_text.h"

namespace memsift::report {

// printable() (common/text/terminal_text.h) makes a string from the host safe to print.
// The width of an already printable() string in terminal columns (UTF-8 code points).
size_t displayWidth(std::string_view s);
// Shortens a printable() string to at most `width` columns, ending it with "..." when cut.
std::string clip(std::string_view s, size_t width);

// printable(s) with every character for which `replace` returns a non-empty string replaced by
// it: the one loop behind the Markdown and HTML escapes.
std::string printableWith(std::string_view s, std::string_view (*replace)(char));

// How a renderer makes a host string safe for its format: printable, markdownEscape, htmlEscape.
using Escape = std::string (*)(std::string_view);

// Analyzer-written prose (next steps) marks commands as `code`: the text split into plain and
// code parts, in order. An unpaired backtick stays plain text.
struct ProsePart {
  std::string_view text;
  bool code = false;
};
std::vector<ProsePart> codeSpans(std::string_view prose);

}  // namespace memsift::report
