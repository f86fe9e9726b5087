// Position probes (Haviv et al. 2022; Zuo et al. 2025): a ridge read-out of
// absolute position t from features of the token at t, fitted on some
// sequences and scored on held-out ones.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/probe_features.h"
#include "tensor.h"

namespace nope {

// The feature sets are rows of probe_features.h.

struct ProbeResult {
  double mad = 0;           // mean |prediction - t| on held-out sequences
  double mad_baseline = 0;  // (T^2 - 1) / (3T): expected MAD of a random guess
  double mad_constant = 0;  // MAD of always predicting the mean position (~T/4):
                            // what a probe that learned nothing scores
  double r2 = 0;            // on held-out sequences
  double lambda = 0;        // ridge strength chosen on the validation split
  int train_sequences = 0, test_sequences = 0;
  std::vector<double> predicted;  // (T) mean prediction at each true position (test split)
};

// Sequences are split 60/20/20 into train/validation/test by a shuffle from
// rng_stream(seed, kStreamProbeSplit); needs B >= 3. Features are
// standardised with training statistics; lambda is picked from 1e-4..1e4 by
// validation MAD; the probe is scored on the test split.
ProbeResult position_probe(const real* h, int B, int T, int C, ProbeFeatures f, uint64_t seed);

// Expected |t - u| for t, u independent and uniform on N positions.
double random_mad_baseline(int N);

}  // namespace nope
