#include "attention_stats.h"

#include <cstdlib>

namespace nope {

void attention_summary(AttentionSummary& out, const real* att, int B, int NH, int T) {
  out.NH = NH;
  out.T = T;
  out.maps.assign((size_t)NH * T * T, 0.0);
  out.mean_distance.assign(NH, 0.0);
  for (int b = 0; b < B; b++)
    for (int h = 0; h < NH; h++) {
      const real* a = att + ((size_t)b * NH + h) * T * T;
      double* map = out.maps.data() + (size_t)h * T * T;
      double dist = 0;
      for (int i = 0; i < T; i++)
        for (int j = 0; j < T; j++) {
          const double p = a[(size_t)i * T + j];
          map[(size_t)i * T + j] += p / B;
          dist += p * std::abs(i - j);
        }
      out.mean_distance[h] += dist / T / B;
    }
}

}  // namespace nope
