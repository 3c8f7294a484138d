// Text that came from a host or a bundle (member names, process and cgroup names, paths,
// messages naming them) made safe to print on a terminal or in a plain-text file. A bundle is
// hostile input: a member named "\e[2J" would clear the engineer's screen, an OSC sequence would
// set the window title, a newline would forge a line of output. Every message and listing of
// every command, and the report's text, passes such strings through printable(); the report's
// Markdown and HTML escapes start from it too.
#pragma once

#include <string>
#include <string_view>

#include "common/text/utf8.h"  // validUtf8, which callers of printable() use too

namespace memsift {

// Control characters (ESC, CR, newlines, ...) and bytes that are not valid UTF-8 become "\xNN";
// C1 controls and the bidirectional overrides become "\uNNNN". Everything else, valid UTF-8
// included, is kept: applied twice it changes nothing more.
std::string printable(std::string_view s);

}  // namespace memsift
