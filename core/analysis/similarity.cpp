#include "similarity.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <Eigen/Core>

namespace nope {

namespace {

using GramMat = Eigen::Matrix<real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Cosines as one product of row-normalised states: U U^T with U = h / |h|.
// Scratch U (T, C) and G (T, T) are reused across sequences.
void cosine_gram(GramMat& G, GramMat& U, const real* h, int T, int C) {
  U = CMapM(h, T, C);
  for (int i = 0; i < T; i++) {
    const real n = U.row(i).norm();
    if (n > 0) U.row(i) /= n;
  }
  G.noalias() = U * U.transpose();
  for (int i = 0; i < T; i++) G(i, i) = 1;  // exact, also for zero rows
}

int adjacency_hits_f(const GramMat& G, int T) {
  int hits = 0;
  for (int i = 0; i < T; i++) {
    const real* row = G.data() + (size_t)i * T;
    int best = -1;
    for (int j = 0; j < T; j++)
      if (j != i && (best < 0 || row[j] > row[best])) best = j;
    if (best == i - 1 || best == i + 1) hits++;
  }
  return hits;
}

}  // namespace

void similarity_matrix(double* S, const real* h, int T, int C) {
  GramMat G, U;
  cosine_gram(G, U, h, T, C);
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(S, T, T) = G.cast<double>();
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
  GramMat G(T, T), U(T, C), sum = GramMat::Zero(T, T);
  long hits = 0;
  for (int b = 0; b < B; b++) {
    cosine_gram(G, U, h + (size_t)b * T * C, T, C);
    hits += adjacency_hits_f(G, T);
    sum += G;
  }
  out.mean_similarity.resize((size_t)T * T);
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out.mean_similarity.data(), T, T) =
      sum.cast<double>() / double(B);
  out.decay.assign(T, 0.0);
  decay_profile(out.decay.data(), out.mean_similarity.data(), T);
  out.adjacency_score = T > 1 ? double(hits) / (double(B) * T) : 0.0;
  out.adjacency_chance = adjacency_chance(T);
}

}  // namespace nope
