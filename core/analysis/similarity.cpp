#include "similarity.h"

#include <cmath>

namespace nope {

void similarity_matrix(double* S, const real* h, int T, int C) {
  // Gram matrix in double: float accumulation over C loses the small
  // differences between neighbouring rows that the adjacency score reads.
  Eigen::MatrixXd H = CMapM(h, T, C).cast<double>();
  Eigen::VectorXd norm = H.rowwise().norm();
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> s(S, T, T);
  s.noalias() = H * H.transpose();
  for (int i = 0; i < T; i++)
    for (int j = 0; j < T; j++) {
      const double d = norm[i] * norm[j];
      s(i, j) = d > 0 ? s(i, j) / d : (i == j ? 1.0 : 0.0);
    }
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
  out.mean_similarity.assign((size_t)T * T, 0.0);
  out.decay.assign(T, 0.0);
  std::vector<double> S((size_t)T * T);
  long hits = 0;
  for (int b = 0; b < B; b++) {
    similarity_matrix(S.data(), h + (size_t)b * T * C, T, C);
    hits += adjacency_hits(S.data(), T);
    for (size_t i = 0; i < S.size(); i++) out.mean_similarity[i] += S[i] / B;
  }
  decay_profile(out.decay.data(), out.mean_similarity.data(), T);
  out.adjacency_score = T > 1 ? double(hits) / (double(B) * T) : 0.0;
  out.adjacency_chance = adjacency_chance(T);
}

}  // namespace nope
