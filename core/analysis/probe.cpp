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

// Missing (NaN) entries take their column's mean over the training rows'
// present entries (0 when a column has none).
void fill_missing(const MatD& Xtr, std::vector<MatD*> all) {
  for (Eigen::Index k = 0; k < Xtr.cols(); k++) {
    double sum = 0;
    long n = 0;
    for (Eigen::Index i = 0; i < Xtr.rows(); i++)
      if (!std::isnan(Xtr(i, k))) sum += Xtr(i, k), n++;
    const double mean = n > 0 ? sum / n : 0.0;
    for (MatD* X : all)
      for (Eigen::Index i = 0; i < X->rows(); i++)
        if (std::isnan((*X)(i, k))) (*X)(i, k) = mean;
  }
}

// The held-out split of B sequences: train / validation / test.
struct Split {
  std::vector<int> train, val, test;
};

Split split_sequences(int B, int T, uint64_t seed) {
  if (B < 3) throw Error("position probe needs at least 3 sequences (train, validation, test), got " + std::to_string(B));
  if (T < 2) throw Error("position probe needs sequences of at least 2 positions");
  // Split whole sequences, so no test position shares a sequence with training.
  std::vector<int> order(B);
  for (int b = 0; b < B; b++) order[b] = b;
  Rng rng = rng_stream(seed, kStreamProbeSplit);
  for (int i = B - 1; i > 0; i--) std::swap(order[i], order[rng_below(rng, (uint32_t)i + 1)]);
  const int n_test = std::max(1, B / 5), n_val = std::max(1, B / 5), n_train = B - n_test - n_val;
  Split s;
  s.train.assign(order.begin(), order.begin() + n_train);
  s.val.assign(order.begin() + n_train, order.begin() + n_train + n_val);
  s.test.assign(order.begin() + n_train + n_val, order.end());
  return s;
}

// Ridge fit on the training rows, lambda by validation MAD, scored on test.
ProbeResult fit_probe(MatD Xtr, MatD Xva, MatD Xte, const Split& sp, int T) {
  fill_missing(Xtr, {&Xtr, &Xva, &Xte});
  const VecD ytr = positions(sp.train.size(), T), yva = positions(sp.val.size(), T), yte = positions(sp.test.size(), T);

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
  r.train_sequences = (int)sp.train.size();
  r.test_sequences = (int)sp.test.size();
  r.mad = (pred - yte).array().abs().mean();
  r.mad_baseline = random_mad_baseline(T);
  r.mad_constant = (yte.array() - ymean).abs().mean();
  const double ss_res = (pred - yte).squaredNorm(), ss_tot = (yte.array() - yte.mean()).square().sum();
  r.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 0;
  r.predicted.assign(T, 0.0);
  for (Eigen::Index i = 0; i < pred.size(); i++) r.predicted[i % T] += pred[i] / sp.test.size();
  return r;
}

}  // namespace

ProbeResult position_probe(const real* h, int B, int T, int C, ProbeFeatures f, uint64_t seed) {
  const Split sp = split_sequences(B, T, seed);
  const ProbeFeatureRow& row = probe_feature_row(f);
  return fit_probe(build_features(h, sp.train, T, C, row), build_features(h, sp.val, T, C, row),
                   build_features(h, sp.test, T, C, row), sp, T);
}

std::vector<double> probe_features_of(const real* h, int T, int C, ProbeFeatures f) {
  const MatD X = build_features(h, {0}, T, C, probe_feature_row(f));
  std::vector<double> out((size_t)X.size());
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(out.data(), X.rows(), X.cols()) = X;
  return out;
}

ProbeResult position_probe_tokens(const int* tokens, int B, int T, uint64_t seed) {
  const Split sp = split_sequences(B, T, seed);
  // Columns: the ids that occur anywhere in the batch, in increasing order.
  std::vector<int> ids(tokens, tokens + (size_t)B * T);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto one_hot = [&](const std::vector<int>& seqs) {
    MatD X = MatD::Zero((Eigen::Index)seqs.size() * T, (Eigen::Index)ids.size());
    for (size_t s = 0; s < seqs.size(); s++)
      for (int t = 0; t < T; t++) {
        const int id = tokens[(size_t)seqs[s] * T + t];
        X((Eigen::Index)s * T + t, std::lower_bound(ids.begin(), ids.end(), id) - ids.begin()) = 1;
      }
    return X;
  };
  return fit_probe(one_hot(sp.train), one_hot(sp.val), one_hot(sp.test), sp, T);
}

}  // namespace nope
