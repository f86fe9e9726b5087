#include "probe.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>

#include "error.h"
#include "rng.h"

namespace nope {

using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;

const char* to_string(ProbeFeatures f) {
  switch (f) {
    case ProbeFeatures::hidden: return "hidden";
    case ProbeFeatures::cosine: return "cosine";
    case ProbeFeatures::variance: return "variance";
  }
  return "?";
}

double random_mad_baseline(int N) { return (double(N) * N - 1) / (3.0 * N); }

namespace {

// Rows (b, t) for the given sequences, features per the set.
MatD build_features(const real* h, const std::vector<int>& seqs, int T, int C, ProbeFeatures f,
                    const std::vector<int>& refs) {
  const int D = f == ProbeFeatures::hidden ? C : f == ProbeFeatures::cosine ? (int)refs.size() : 2;
  MatD X((Eigen::Index)seqs.size() * T, D);
  MatD U(T, C), G;
  for (size_t s = 0; s < seqs.size(); s++) {
    const MatD H = CMapM(h + (size_t)seqs[s] * T * C, T, C).cast<double>();  // (T, C)
    const Eigen::Index row0 = (Eigen::Index)s * T;
    if (f == ProbeFeatures::hidden) {
      X.middleRows(row0, T) = H;
    } else if (f == ProbeFeatures::variance) {
      for (int t = 0; t < T; t++) {
        const double var = (H.row(t).array() - H.row(t).mean()).square().mean();
        X(row0 + t, 0) = var;
        X(row0 + t, 1) = std::log(std::max(var, 1e-30));
      }
    } else {
      // One Gram matrix of unit rows per sequence gives every cosine.
      for (int t = 0; t < T; t++) {
        const double n = H.row(t).norm();
        U.row(t) = n > 0 ? (H.row(t) / n).eval() : Eigen::RowVectorXd::Zero(C).eval();
      }
      G.noalias() = U * U.transpose();
      for (int t = 0; t < T; t++) {
        double other_sum = 0;
        int self = -1;
        for (int k = 0; k < D; k++) {
          if (refs[k] == t) {
            self = k;
            continue;
          }
          X(row0 + t, k) = G(t, refs[k]);
          other_sum += G(t, refs[k]);
        }
        if (self >= 0) X(row0 + t, self) = D > 1 ? other_sum / (D - 1) : 0.0;
      }
    }
  }
  return X;
}

VecD positions(size_t n_seq, int T) {
  VecD y((Eigen::Index)n_seq * T);
  for (size_t s = 0; s < n_seq; s++)
    for (int t = 0; t < T; t++) y[(Eigen::Index)s * T + t] = t;
  return y;
}

}  // namespace

ProbeResult position_probe(const real* h, int B, int T, int C, ProbeFeatures f, uint64_t seed) {
  if (B < 3) throw Error("position probe needs at least 3 sequences (train, validation, test), got " + std::to_string(B));
  if (T < 2) throw Error("position probe needs sequences of at least 2 positions");
  // Split whole sequences, so no test position shares a sequence with training.
  std::vector<int> order(B);
  for (int b = 0; b < B; b++) order[b] = b;
  Rng rng = rng_stream(seed, kStreamProbeSplit);
  for (int i = B - 1; i > 0; i--) std::swap(order[i], order[rng_below(rng, (uint32_t)i + 1)]);
  const int n_test = std::max(1, B / 5), n_val = std::max(1, B / 5), n_train = B - n_test - n_val;
  const std::vector<int> train(order.begin(), order.begin() + n_train),
      val(order.begin() + n_train, order.begin() + n_train + n_val), test(order.begin() + n_train + n_val, order.end());

  std::vector<int> refs;
  if (f == ProbeFeatures::cosine) {
    const int R = std::min(T, 32);
    for (int r = 0; r < R; r++) refs.push_back(R == T ? r : (int)((long)r * (T - 1) / (R - 1)));
  }
  MatD Xtr = build_features(h, train, T, C, f, refs), Xva = build_features(h, val, T, C, f, refs),
       Xte = build_features(h, test, T, C, f, refs);
  const VecD ytr = positions(train.size(), T), yva = positions(val.size(), T), yte = positions(test.size(), T);

  // Standardise with training statistics; centre y so the intercept is its mean.
  const Eigen::RowVectorXd mu = Xtr.colwise().mean();
  Eigen::RowVectorXd sd = ((Xtr.rowwise() - mu).array().square().colwise().mean()).sqrt();
  for (Eigen::Index k = 0; k < sd.size(); k++)
    if (!(sd[k] > 1e-12)) sd[k] = 1;
  auto standardise = [&](MatD& X) { X = ((X.rowwise() - mu).array().rowwise() / sd.array()).matrix(); };
  standardise(Xtr);
  standardise(Xva);
  standardise(Xte);
  const double ymean = ytr.mean();
  const MatD XtX = Xtr.transpose() * Xtr;
  const VecD Xty = Xtr.transpose() * (ytr.array() - ymean).matrix();

  auto fit = [&](double lambda) {
    MatD A = XtX;
    A.diagonal().array() += lambda;
    return VecD(A.ldlt().solve(Xty));
  };
  auto mad = [&](const MatD& X, const VecD& y, const VecD& w) {
    return ((X * w).array() + ymean - y.array()).abs().mean();
  };
  double best_lambda = 1e-4, best = INFINITY;
  for (double lambda = 1e-4; lambda <= 1e4 * 1.0001; lambda *= 10) {
    const double m = mad(Xva, yva, fit(lambda));
    if (m < best) {
      best = m;
      best_lambda = lambda;
    }
  }
  const VecD w = fit(best_lambda);
  const VecD pred = (Xte * w).array() + ymean;

  ProbeResult r;
  r.lambda = best_lambda;
  r.train_sequences = n_train;
  r.test_sequences = (int)test.size();
  r.mad = (pred - yte).array().abs().mean();
  r.mad_baseline = random_mad_baseline(T);
  r.mad_constant = (yte.array() - ymean).abs().mean();
  const double ss_res = (pred - yte).squaredNorm(), ss_tot = (yte.array() - yte.mean()).square().sum();
  r.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 0;
  r.predicted.assign(T, 0.0);
  for (Eigen::Index i = 0; i < pred.size(); i++) r.predicted[i % T] += pred[i] / test.size();
  return r;
}

}  // namespace nope
