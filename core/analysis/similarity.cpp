#include "similarity.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gemm.h"
#include "rng.h"

namespace nope {

namespace {

// Rows per product when building the symmetric Gram matrix: block i meets
// only rows 0 .. end of block i, so at T = 256 the products do 62% of the
// full product's work (measured: 30% faster in wasm, 10% natively, with the
// mirroring included).
constexpr int kGramRowBlock = 64;

// Cosines as products of row-normalised states: G = U U^T with U = h / |h|,
// its lower triangle in row blocks and a diagonal of exact ones; entries
// above the diagonal are left as the products wrote them (the matrix is
// symmetric, its readers take row i as L[i, 0..i] then column i of L). The
// products go through the model's gemm, so the wasm build uses its SIMD
// kernel.
void cosine_gram_lower(real* G, real* U, const real* h, int T, int C) {
  for (int i = 0; i < T; i++) {
    const real n = CMapV(h + (size_t)i * C, C).norm();
    MapV(U + (size_t)i * C, C) = CMapV(h + (size_t)i * C, C) / (n > 0 ? n : real(1));
  }
  for (int i0 = 0; i0 < T; i0 += kGramRowBlock) {
    const int rows = std::min(kGramRowBlock, T - i0);
    gemm(false, true, rows, i0 + rows, C, 1, U + (size_t)i0 * C, C, U, C, Grad::overwrite, G + (size_t)i0 * T, T);
  }
  for (int i = 0; i < T; i++) G[(size_t)i * T + i] = 1;  // exact, also for zero rows
}

// The full symmetric matrix: the lower triangle mirrored.
void cosine_gram(real* G, real* U, const real* h, int T, int C) {
  cosine_gram_lower(G, U, h, T, C);
  for (int i = 0; i < T; i++)
    for (int j = i + 1; j < T; j++) G[(size_t)i * T + j] = G[(size_t)j * T + i];
}

real max_of(const real* p, int n) {
  return n > 0 ? CMapV(p, n).maxCoeff() : -std::numeric_limits<real>::infinity();
}

// One pass over the lower triangle of a Gram matrix, last row first, while
// each row is in cache: the adjacency hits of adjacency_hits (row i is a hit
// when i-1 or i+1 is the first j != i holding the row's maximum; ties go to
// the lowest j) and sum += the lower triangle. Row i's maximum over j > i
// is column i below the diagonal, whose running maxima (colmax, T) are
// complete when row i is reached. Maxima and comparisons are exact, so the
// hits are those of the full matrix; each sum entry adds the same terms in
// the same order over the batch as a full-matrix sum.
int adjacency_hits_and_sum_lower(real* sum, real* colmax, const real* G, int T) {
  std::fill(colmax, colmax + T, -std::numeric_limits<real>::infinity());
  int hits = 0;
  for (int i = T - 1; i >= 0; i--) {
    const real* row = G + (size_t)i * T;
    const real left = max_of(row, i);  // j < i
    const real best = std::max(left, colmax[i]);
    if (i > 0 && row[i - 1] == best && max_of(row, i - 1) < best) hits++;
    else if (i + 1 < T && G[(size_t)(i + 1) * T + i] == best && left < best) hits++;
    MapV(colmax, i) = CMapV(colmax, i).cwiseMax(CMapV(row, i));
    MapV(sum + (size_t)i * T, i + 1) += CMapV(row, i + 1);
  }
  return hits;
}

}  // namespace

void similarity_matrix(double* S, const real* h, int T, int C) {
  RealVec G((size_t)T * T), U((size_t)T * C);
  cosine_gram(G.data(), U.data(), h, T, C);
  Eigen::Map<Eigen::VectorXd>(S, G.size()) = CMapV(G.data(), G.size()).cast<double>();
}

void decay_profile(double* out, const double* S, int T) {
  for (int k = 0; k < T; k++) {
    double sum = 0;
    for (int i = k; i < T; i++) sum += S[(size_t)i * T + (i - k)];
    out[k] = sum / (T - k);
  }
}

int adjacency_hits(const double* S, int T) {
  int hits = 0;
  for (int i = 0; i < T; i++) {
    int best = -1;
    for (int j = 0; j < T; j++) {
      if (j == i) continue;
      if (best < 0 || S[(size_t)i * T + j] > S[(size_t)i * T + best]) best = j;
    }
    if (best == i - 1 || best == i + 1) hits++;
  }
  return hits;
}

double adjacency_chance(int T) { return T < 2 ? 0.0 : 2.0 / T; }

void similarity_summary(SimilaritySummary& out, const real* h, int B, int T, int C) {
  out.T = T;
  RealVec G((size_t)T * T), U((size_t)T * C), sum((size_t)T * T, real(0)), colmax(T);
  long hits = 0;
  for (int b = 0; b < B; b++) {
    cosine_gram_lower(G.data(), U.data(), h + (size_t)b * T * C, T, C);
    hits += adjacency_hits_and_sum_lower(sum.data(), colmax.data(), G.data(), T);
  }
  // The mean of the lower triangle, mirrored.
  out.mean_similarity.resize((size_t)T * T);
  double* S = out.mean_similarity.data();
  for (int i = 0; i < T; i++)
    for (int j = 0; j <= i; j++) S[(size_t)i * T + j] = S[(size_t)j * T + i] = double(sum[(size_t)i * T + j]) / double(B);
  out.decay.assign(T, 0.0);
  decay_profile(out.decay.data(), out.mean_similarity.data(), T);
  out.adjacency_score = T > 1 ? double(hits) / (double(B) * T) : 0.0;
  out.adjacency_chance = adjacency_chance(T);
}

double adjacency_content_null(const int* tokens, int B, int T, int C, uint64_t seed) {
  if (B < 1 || T < 2) return 0.0;
  int V = 0;
  for (size_t i = 0; i < (size_t)B * T; i++) V = std::max(V, tokens[i] + 1);
  RealVec E((size_t)V * C), h((size_t)T * C);
  Rng rng = rng_stream(seed, kStreamContentNull);
  for (real& x : E) x = (real)rng_normal(rng);
  SimilaritySummary s;
  RealVec all((size_t)B * T * C);
  for (size_t i = 0; i < (size_t)B * T; i++)
    std::copy(E.begin() + (size_t)tokens[i] * C, E.begin() + (size_t)(tokens[i] + 1) * C, all.begin() + i * C);
  similarity_summary(s, all.data(), B, T, C);
  return s.adjacency_score;
}

}  // namespace nope
