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
    case ProbeFeatures::cosine_past: return "cosine_past";
    case ProbeFeatures::cosine_first: return "cosine_first";
  }
  return "?";
}

double random_mad_baseline(int N) { return (double(N) * N - 1) / (3.0 * N); }

namespace {

int feature_count(ProbeFeatures f, int C, int R) {
  switch (f) {
    case ProbeFeatures::hidden: return C;
    case ProbeFeatures::cosine:
    case ProbeFeatures::cosine_past: return R;
    case ProbeFeatures::variance:
    case ProbeFeatures::cosine_first: return 2;
  }
  return 0;
}

// Features of one sequence hs (T, C): (T, D), NaN where missing.
MatD sequence_features(const real* hs, int T, int C, ProbeFeatures f, const std::vector<int>& refs) {
  const int D = feature_count(f, C, (int)refs.size());
  const MatD H = CMapM(hs, T, C).cast<double>();  // (T, C)
  MatD X(T, D);
  if (f == ProbeFeatures::hidden) return H;
  if (f == ProbeFeatures::variance) {
    for (int t = 0; t < T; t++) {
      const double var = (H.row(t).array() - H.row(t).mean()).square().mean();
      X(t, 0) = var;
      X(t, 1) = std::log(std::max(var, 1e-30));
    }
    return X;
  }
  if (f == ProbeFeatures::cosine_first) {
    const double n0 = H.row(0).norm();
    for (int t = 0; t < T; t++) {
      const double nt = H.row(t).norm();
      const double c = n0 > 0 && nt > 0 ? H.row(t).dot(H.row(0)) / (n0 * nt) : 0.0;
      X(t, 0) = t == 0 ? NAN : c;
      X(t, 1) = t == 0 ? NAN : std::log(std::max(std::abs(c), 1e-30));
    }
    return X;
  }
  // One Gram matrix of unit rows gives every cosine.
  MatD U(T, C);
  for (int t = 0; t < T; t++) {
    const double n = H.row(t).norm();
    U.row(t) = n > 0 ? (H.row(t) / n).eval() : Eigen::RowVectorXd::Zero(C).eval();
  }
  const MatD G = U * U.transpose();
  if (f == ProbeFeatures::cosine_past) {
    for (int t = 0; t < T; t++)
      for (int k = 0; k < D; k++) X(t, k) = refs[k] < t ? G(t, refs[k]) : NAN;
    return X;
  }
  for (int t = 0; t < T; t++) {
    double other_sum = 0;
    int self = -1;
    for (int k = 0; k < D; k++) {
      if (refs[k] == t) {
        self = k;
        continue;
      }
      X(t, k) = G(t, refs[k]);
      other_sum += G(t, refs[k]);
    }
    if (self >= 0) X(t, self) = D > 1 ? other_sum / (D - 1) : 0.0;
  }
  return X;
}

std::vector<int> reference_positions(int T, ProbeFeatures f) {
  std::vector<int> refs;
  if (f == ProbeFeatures::cosine || f == ProbeFeatures::cosine_past) {
    const int R = std::min(T, 32);
    for (int r = 0; r < R; r++) refs.push_back(R == T ? r : (int)((long)r * (T - 1) / (R - 1)));
  }
  return refs;
}

// Rows (b, t) for the given sequences.
MatD build_features(const real* h, const std::vector<int>& seqs, int T, int C, ProbeFeatures f,
                    const std::vector<int>& refs) {
  MatD X((Eigen::Index)seqs.size() * T, feature_count(f, C, (int)refs.size()));
  for (size_t s = 0; s < seqs.size(); s++)
    X.middleRows((Eigen::Index)s * T, T) = sequence_features(h + (size_t)seqs[s] * T * C, T, C, f, refs);
  return X;
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

VecD positions(size_t n_seq, int T) {
  VecD y((Eigen::Index)n_seq * T);
  for (size_t s = 0; s < n_seq; s++)
    for (int t = 0; t < T; t++) y[(Eigen::Index)s * T + t] = t;
  return y;
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
  const std::vector<int> refs = reference_positions(T, f);
  return fit_probe(build_features(h, sp.train, T, C, f, refs), build_features(h, sp.val, T, C, f, refs),
                   build_features(h, sp.test, T, C, f, refs), sp, T);
}

std::vector<double> probe_feature_rows(const real* h, int T, int C, ProbeFeatures f) {
  const MatD X = sequence_features(h, T, C, f, reference_positions(T, f));
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
