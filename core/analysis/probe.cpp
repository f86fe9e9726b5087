#include "probe.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>

#include "error.h"
#include "rng.h"

namespace nope {

using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;

double random_mad_baseline(int N) { return (double(N) * N - 1) / (3.0 * N); }

namespace {

// Rows (b, t) for the given sequences, features per the set's row.
MatD build_features(const real* h, const std::vector<int>& seqs, int T, int C, const ProbeFeatureRow& f) {
  MatD X((Eigen::Index)seqs.size() * T, f.width(T, C));
  for (size_t s = 0; s < seqs.size(); s++) {
    const MatD H = CMapM(h + (size_t)seqs[s] * T * C, T, C).cast<double>();  // (T, C)
    f.fill(X.middleRows((Eigen::Index)s * T, T), H);
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

  const ProbeFeatureRow& row = probe_feature_row(f);
  MatD Xtr = build_features(h, train, T, C, row), Xva = build_features(h, val, T, C, row),
       Xte = build_features(h, test, T, C, row);
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
