// Mean and 95% confidence half-width of a scalar over K seeds (Student t,
// since K is small), for random-init studies.
#pragma once
#include <vector>

namespace nope {

struct SeedStats {
  double mean = 0;
  double ci = 0;  // half-width of the 95% interval of the mean; 0 for K = 1
  double sd = 0;
  int k = 0;
};

SeedStats seed_stats(const std::vector<double>& xs);

}  // namespace nope
