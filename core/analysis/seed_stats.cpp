#include "seed_stats.h"

#include <cmath>

namespace nope {

// Two-sided 97.5% quantiles of Student's t for df = 1..30; 1.96 beyond.
static double t975(int df) {
  static const double q[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return df >= 1 && df <= 30 ? q[df - 1] : 1.96;
}

SeedStats seed_stats(const std::vector<double>& xs) {
  SeedStats s;
  s.k = (int)xs.size();
  if (s.k == 0) return s;
  for (double x : xs) s.mean += x / s.k;
  if (s.k < 2) return s;
  double ss = 0;
  for (double x : xs) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / (s.k - 1));
  s.ci = t975(s.k - 1) * s.sd / std::sqrt(double(s.k));
  return s;
}

}  // namespace nope
