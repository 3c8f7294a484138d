// How a figure moved over a snapshot series: the least-squares slope, how well a straight line
// explains the samples, the share of intervals that grew, and whether that is steady growth or
// noise. The thresholds of "steady" live here and nowhere else.
#pragma once

#include <cstdint>
#include <vector>

#include "analyzer/model/growth.h"

namespace memsift::analysis {

// What "grows steadily" takes. A leak grows in (nearly) every interval, along a line, by more
// than counters jitter; a busy but stable workload moves up and down around a level. Each
// threshold rules out one kind of noise:
struct Steadiness {
  // A line through two points always fits: a trend needs a third.
  size_t min_samples = 3;
  // The slope explains most of the movement (R²): jitter around a flat level explains ~none.
  double min_r_squared = 0.8;
  // Most intervals grew: noise grows in about half of them.
  double min_grew_share = 0.6;
  // The fitted growth over the whole span is more than a few pages in flight (the findings'
  // smallest size, findings/context.h)...
  uint64_t min_bytes = uint64_t{4} << 20;
  // ...and more than jitter of ±1% around a level can fake: the least-squares line through
  // values within ±a of a level rises by at most 3a over the span (a step from -a to +a in the
  // middle, the worst case), so 4% of the series' largest value is beyond any ±1% jitter.
  double min_share_of_level = 0.04;
};
inline constexpr Steadiness kSteadiness{};

// Fills `s`'s first, last, bytes_per_hour, r_squared, grew_share, steady and since_seconds from
// its samples (which it must have, at least one). `noise_level`: for a difference of figures
// read at different moments (the anonymous LRU minus the processes' RssAnon), the largest sum of
// their magnitudes, which their jitter scales with rather than with the difference's own level.
void fitGrowth(report::GrowthSeries& s, uint64_t noise_level = 0,
               const Steadiness& rule = kSteadiness);

// A series made of `samples`, fitted.
report::GrowthSeries growthSeries(std::string id, std::string label,
                                  std::vector<report::GrowthSample> samples,
                                  uint64_t noise_level = 0);

}  // namespace memsift::analysis
