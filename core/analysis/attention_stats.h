// Summaries of attention probabilities (B, NH, T, T): batch-mean maps per
// head and the mean attention distance sum_j a_ij |i - j| averaged over rows.
#pragma once
#include <vector>

#include "tensor.h"

namespace nope {

struct AttentionSummary {
  int NH = 0, T = 0;
  std::vector<double> maps;           // (NH, T, T) mean over the batch
  std::vector<double> mean_distance;  // (NH)
};

void attention_summary(AttentionSummary& out, const real* att, int B, int NH, int T);

}  // namespace nope
