#include "attention_stats.h"

#include <cstdlib>

namespace nope {

void attention_summary(AttentionSummary& out, const real* att, int B, int NH, int T) {
  out.NH = NH;
  out.T = T;
  out.maps.assign((size_t)NH * T * T, 0.0);
  out.mean_distance.assign(NH, 0.0);
  const size_t TT = (size_t)T * T;
  Eigen::Matrix<real, Eigen::Dynamic, 1> sum(TT);
  for (int h = 0; h < NH; h++) {
    sum.setZero();
    for (int b = 0; b < B; b++) sum += CMapV(att + ((size_t)b * NH + h) * TT, TT);
    double* map = out.maps.data() + (size_t)h * TT;
    double dist = 0;  // linear in the map: the batch mean's distance is the mean distance
    for (int i = 0; i < T; i++)
      for (int j = 0; j < T; j++) {
        map[(size_t)i * T + j] = double(sum[(size_t)i * T + j]) / B;
        dist += map[(size_t)i * T + j] * std::abs(i - j);
      }
    out.mean_distance[h] = dist / T;
  }
}

}  // namespace nope
