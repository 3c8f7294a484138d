// What the wording of each family of findings shares (finding_wording*.cc): the finding, its
// report, the share of MemTotal, and one function per family.
#pragma once

#include <string>

#include "analyzer/model/format.h"
#include "analyzer/report/finding_wording.h"

namespace memsift::report::wording {

struct Subject {
  const Report& r;
  const Finding& f;
  // What shares are of: MemTotal, or the scanned memory when the bundle has no meminfo (as the
  // analysis sized the findings), never 0.
  uint64_t total;
  PageSize page;

  std::string share(uint64_t bytes) const { return percentOf(bytes, total); }
};

// " Charged to memory cgroup X." or " Charged mostly to ...", empty without cgroups.
std::string whereSentence(const Finding& f);

// "64 KiB (arch)": the page size the bundle records and where the collector took it from.
std::string recordedPageSize(const PageSizeFacts& t);

// The processes that may hold an unmapped-anon(-thp) finding's pages, or why none can be named
// (finding_wording_suspects.cc).
void suspectWords(const PinSuspects& p, FindingWords& w);

// counters-impossible (finding_wording_counters.cc).
void countersImpossibleWords(const CountersImpossibleFacts& t, FindingWords& w);

// Each returns false when `s.f` is not of its family.
bool anonWords(const Subject& s, FindingWords& w);    // finding_wording_anon.cc
bool kernelWords(const Subject& s, FindingWords& w);  // finding_wording_kernel.cc
bool eventWords(const Subject& s, FindingWords& w);   // finding_wording_events.cc (and cgroups)
bool growthWords(const Subject& s, FindingWords& w);  // finding_wording_growth.cc

}  // namespace memsift::report::wording
