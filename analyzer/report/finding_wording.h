// The sentences of a finding: its summary, evidence and next steps, made from its typed facts
// (model/finding_facts.h) at render time. Every format (text, JSON, Markdown, HTML) takes them
// from here, so that a finding says the same thing everywhere and its wording changes in one place.
#pragma once

#include <string>
#include <vector>

#include "analyzer/model/report.h"

namespace memsift::report {

// One line of evidence: what the bundle shows, and where.
struct Evidence {
  std::string text;
  Source source;
};

struct FindingWords {
  std::string summary;  // one sentence (or two)
  std::vector<Evidence> evidence;
  std::vector<std::string> next_steps;
};

// The words of `f`, a finding of `r` (the report gives MemTotal, the page size, the architecture
// and the anonymous reconciliation several findings quote).
FindingWords findingWords(const Report& r, const Finding& f);

}  // namespace memsift::report
