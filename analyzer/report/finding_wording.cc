// A finding's words, from its facts: the family that knows its id writes them.
#include "analyzer/report/finding_wording.h"

#include <algorithm>

#include "analyzer/report/finding_wording_parts.h"
#include "analyzer/report/wording.h"

namespace memsift::report {
namespace wording {

std::string whereSentence(const Finding& f) {
  if (f.cgroup_unknown) return " Its memory cgroup is " + unknownBecause(*f.cgroup_unknown) + ".";
  if (f.cgroups.empty()) return "";
  if (f.cgroups.size() == 1) return " Charged to memory cgroup " + f.cgroups[0].path + ".";
  return " Charged mostly to memory cgroup " + f.cgroups[0].path + " (" +
         formatBytes(f.cgroups[0].bytes) + ") and " + std::to_string(f.cgroups.size() - 1) +
         " more.";
}

}  // namespace wording

FindingWords findingWords(const Report& r, const Finding& f) {
  uint64_t total = r.host.mem_total.value();
  const PageSize page(r.host.page_size);
  if (total == 0 && r.frames) total = page.toBytes(r.frames->frames).value();
  const wording::Subject s{r, f, std::max<uint64_t>(total, 1), page};
  FindingWords w;
  if (!wording::anonWords(s, w) && !wording::kernelWords(s, w) && !wording::growthWords(s, w))
    wording::eventWords(s, w);
  return w;
}

}  // namespace memsift::report
