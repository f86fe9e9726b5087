#include "analysis/equivariance.h"

#include <cmath>

#include "error.h"
#include "rng.h"

namespace nope {

EquivarianceBatch equivariance_batch(int V, int T, int sequences, int permutations, uint64_t seed) {
  if (V < 1 || T < 1 || sequences < 1 || permutations < 1)
    throw Error("equivariance needs a vocabulary, a length, sequences and permutations >= 1");
  EquivarianceBatch b;
  b.sequences = sequences;
  b.permutations = permutations;
  b.T = T;
  b.tokens.resize((size_t)b.rows() * T);
  Rng rng = rng_stream(seed, kStreamEquivariance);
  for (int s = 0; s < sequences; s++)
    for (int t = 0; t < T; t++) b.tokens[(size_t)s * T + t] = (int)rng_below(rng, (uint32_t)V);
  for (int s = 0; s < sequences; s++)
    for (int p = 0; p < permutations; p++) {
      std::vector<int> perm(T);
      for (int t = 0; t < T; t++) perm[t] = t;
      for (int i = T - 1; i > 0; i--) std::swap(perm[i], perm[rng_below(rng, (uint32_t)i + 1)]);
      const int row = sequences + s * permutations + p;
      permute_tokens(b.tokens.data() + (size_t)row * T, b.tokens.data() + (size_t)s * T, perm);
      b.perms.push_back(std::move(perm));
    }
  return b;
}

void permute_tokens(int* out, const int* x, const std::vector<int>& perm) {
  for (size_t t = 0; t < perm.size(); t++) out[t] = x[perm[t]];
}

namespace {

// sum |h1 - P h0|^2 and |h0|^2 over the T rows, in double.
void pair_sums(const real* h0, const real* h1, const std::vector<int>& perm, int T, int C, double* diff,
               double* norm) {
  for (int t = 0; t < T; t++) {
    const real* a = h1 + (size_t)t * C;
    const real* o = h0 + (size_t)perm[t] * C;
    const real* n = h0 + (size_t)t * C;
    for (int c = 0; c < C; c++) {
      const double d = double(a[c]) - double(o[c]);
      *diff += d * d;
      *norm += double(n[c]) * double(n[c]);
    }
  }
}

double ratio(double diff, double norm) { return diff == 0 ? 0.0 : std::sqrt(diff / norm); }

}  // namespace

double equivariance_deviation(const real* h, const EquivarianceBatch& b, int C) {
  const size_t seq = (size_t)b.T * C;
  double diff = 0, norm = 0;
  for (int s = 0; s < b.sequences; s++)
    for (int p = 0; p < b.permutations; p++) {
      const int k = s * b.permutations + p;
      pair_sums(h + s * seq, h + (size_t)(b.sequences + k) * seq, b.perms[k], b.T, C, &diff, &norm);
    }
  return ratio(diff, norm);
}

double equivariance_pair(const real* h0, const real* h1, const std::vector<int>& perm, int T, int C) {
  double diff = 0, norm = 0;
  pair_sums(h0, h1, perm, T, C, &diff, &norm);
  return ratio(diff, norm);
}

}  // namespace nope
