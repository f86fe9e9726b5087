// Permutation equivariance (docs/science.md, "Attention alone has no order"):
// permute the input positions of a sequence and compare the hidden states of
// the permuted input with the permuted hidden states of the original. A
// bidirectional model without a positional encoding is a function of the
// set of tokens, so the two agree up to float round-off; a causal mask or any
// encoding breaks that.
//
// Inputs are uniform random tokens (no `<bos>`: no position is special), and
// every position, 0 included, is permuted. A permuted sequence is
// X'[t] = X[pi(t)]; equivariance means f(X')[t] = f(X)[pi(t)].
#pragma once
#include <cstdint>
#include <vector>

#include "tensor.h"

namespace nope {

// The batch one forward pass needs: `sequences` originals (rows 0..n-1),
// then for original s and permutation p the row n + s * permutations + p,
// holding X_s permuted by perms[s * permutations + p].
struct EquivarianceBatch {
  int sequences = 0, permutations = 0, T = 0;
  std::vector<int> tokens;               // (sequences * (1 + permutations), T)
  std::vector<std::vector<int>> perms;   // (sequences * permutations) permutations of 0..T-1
  int rows() const { return sequences * (1 + permutations); }
};

// Tokens uniform in [0, V) and uniform random permutations (Fisher-Yates),
// all from rng_stream(seed, kStreamEquivariance).
EquivarianceBatch equivariance_batch(int V, int T, int sequences, int permutations, uint64_t seed);

// X permuted: out[t] = x[perm[t]] for t < T.
void permute_tokens(int* out, const int* x, const std::vector<int>& perm);

// The relative deviation at one site, h (rows(), T, C) the site's states for
// the batch above:
//   E = sqrt( sum_{s,p} |f(P X_s) - P f(X_s)|_F^2 / sum_{s,p} |f(X_s)|_F^2 ),
// accumulated in double; 0 when both sums are 0.
double equivariance_deviation(const real* h, const EquivarianceBatch& b, int C);

// The same for one pair: original states h0 (T, C), states of the permuted
// input h1 (T, C), permutation perm: |h1 - P h0|_F / |h0|_F.
double equivariance_pair(const real* h0, const real* h1, const std::vector<int>& perm, int T, int C);

}  // namespace nope
