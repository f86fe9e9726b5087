// Position probes (Haviv et al. 2022; Zuo et al. 2025): a ridge read-out of
// absolute position t from features of the token at t, fitted on some
// sequences and scored on held-out ones.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor.h"

namespace nope {

// Feature sets:
//   hidden    the hidden state h_t itself (C features)
//   cosine    the row of the self-similarity matrix to reference positions:
//             cos(h_t, h_r) within the same sequence for r in R (all
//             positions when T <= 32, else 32 evenly spaced). The entry
//             r = t (always 1) is replaced by the mean of the row's other
//             entries, so the probe cannot read t off the diagonal.
//   variance  Var_c(h_t) and log Var_c(h_t)
//   cosine_past   the cosine row restricted to references r <= t (what a
//             causal model at t can see): entries r > t, and r = t, are
//             missing; so is every entry at t = 0. A missing entry takes its
//             column's training mean, so after standardisation it is 0 and
//             adds nothing to the read-out. The number of past references
//             still grows with t: that is the counting carrier, available to
//             a causal model, not a leak from the future.
//   cosine_first  cos(h_t, h_0) and log |cos(h_t, h_0)| (the first token as
//             the only reference; missing at t = 0, as above)
enum class ProbeFeatures { hidden, cosine, variance, cosine_past, cosine_first };
constexpr int kNumProbeFeatures = 5;
const char* to_string(ProbeFeatures f);

struct ProbeResult {
  double mad = 0;           // mean |prediction - t| on held-out sequences
  double mad_baseline = 0;  // (T^2 - 1) / (3T): expected MAD of a random guess
  double mad_constant = 0;  // MAD of always predicting the mean position (~T/4):
                            // what a probe that learned nothing scores
  double mad_landmark = -1; // the token-identity probe's MAD on the same split
                            // (position_probe_tokens; -1 = not computed)
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

// The features of one sequence h (T, C) as the probe sees them before
// standardisation: (T, D) row-major, NaN where an entry is missing.
std::vector<double> probe_feature_rows(const real* h, int T, int C, ProbeFeatures f);

// The landmark baseline: the same probe (split, ridge, scoring) on a one-hot
// of the token id at t alone (ids that occur in the batch). It reads
// position off landmark tokens (`<bos>` at 0, separators at fixed places,
// label tokens that name a position) and off nothing else, so a probe on a
// hidden state has shown position beyond its token only when it beats this.
// On uniform random tokens it is about predict-the-mean.
ProbeResult position_probe_tokens(const int* tokens, int B, int T, uint64_t seed);

// Expected |t - u| for t, u independent and uniform on N positions.
double random_mad_baseline(int N);

}  // namespace nope
