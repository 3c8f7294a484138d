// Least-squares growth of a series, and whether it is steady (growth_fit.h).
#include "analyzer/analysis/growth_fit.h"

#include <algorithm>
#include <cmath>

#include "analyzer/model/format.h"

namespace memsift::analysis {

void fitGrowth(report::GrowthSeries& s, uint64_t noise_level, const Steadiness& rule) {
  const std::vector<report::GrowthSample>& v = s.samples;
  s.first = v.front().bytes;
  s.last = v.back().bytes;
  const auto n = static_cast<double>(v.size());
  // Centred sums: byte figures of a large host (1e14) squared lose nothing that matters in
  // doubles once their mean is taken out.
  double mx = 0, my = 0;
  for (const auto& p : v) {
    mx += p.seconds;
    my += static_cast<double>(p.bytes);
  }
  mx /= n;
  my /= n;
  double sxx = 0, sxy = 0, syy = 0;
  for (const auto& p : v) {
    const double dx = p.seconds - mx, dy = static_cast<double>(p.bytes) - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const double slope = sxx > 0 ? sxy / sxx : 0;  // bytes per second
  s.bytes_per_hour = slope * 3600;
  s.r_squared = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  size_t grew = 0;
  for (size_t i = 1; i < v.size(); ++i)
    grew += v[i].bytes > v[i - 1].bytes;
  s.grew_share = v.size() > 1 ? static_cast<double>(grew) / static_cast<double>(v.size() - 1) : 0;

  uint64_t level = noise_level;
  for (const auto& p : v)
    level = std::max(level, report::magnitude(p.bytes));
  const double span = v.back().seconds - v.front().seconds;
  const double fitted = slope * span;
  const double floor = std::max(static_cast<double>(rule.min_bytes),
                                rule.min_share_of_level * static_cast<double>(level));
  s.steady = v.size() >= rule.min_samples && slope > 0 && s.r_squared >= rule.min_r_squared &&
             s.grew_share >= rule.min_grew_share && fitted >= floor;
  s.since_seconds.reset();
  if (!s.steady) return;
  // The growth starts at the lowest point before the highest (the last such sample: a flat
  // stretch before a leak began belongs to the time before it).
  const auto top = std::max_element(v.begin(), v.end(),
                                    [](const auto& a, const auto& b) { return a.bytes < b.bytes; });
  auto low = v.begin();
  for (auto it = v.begin(); it <= top; ++it)
    if (it->bytes <= low->bytes) low = it;
  s.since_seconds = low->seconds;
}

report::GrowthSeries growthSeries(std::string id, std::string label,
                                  std::vector<report::GrowthSample> samples, uint64_t noise_level) {
  report::GrowthSeries s;
  s.id = std::move(id);
  s.label = std::move(label);
  s.samples = std::move(samples);
  if (!s.samples.empty()) fitGrowth(s, noise_level);
  return s;
}

}  // namespace memsift::analysis
