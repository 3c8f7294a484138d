// `memsift diff` laid out once for every format: a headline, then sections of sentences and a
// table of cells already worded (units, signs, rates). The text, Markdown and HTML renderers only
// place them; JSON is written from the model (diff_renderer.cc).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analyzer/model/diff.h"

namespace memsift::report {

struct DiffSection {
  std::string title;
  std::vector<std::string> sentences;
  std::vector<std::pair<std::string, bool>> columns;  // header, right-aligned
  std::vector<std::vector<std::string>> rows;         // host strings not yet escaped
};

struct DiffView {
  std::string title;     // "memsift diff for HOST"
  std::string headline;  // when, how far apart, same boot or not
  std::vector<DiffSection> sections;
};

DiffView diffView(const DiffReport& d);

}  // namespace memsift::report
