// A text member of a bundle kept whole by the analyzer.
#pragma once

#include <string>

namespace memsift::analysis {

// Parsed views point into `text`, so it never moves (held by pointer).
struct TextMember {
  std::string name;
  std::string text;
};

}  // namespace memsift::analysis
