#include "analysis/probe_features.h"

#include <algorithm>
#include <cmath>

#include "registry.h"
#include "vec.h"

namespace nope {

using MatD = Eigen::MatrixXd;

namespace {

// hidden: the hidden state h_t itself.
int hidden_width(int, int C) { return C; }
void hidden_fill(Eigen::Ref<MatD> X, const MatD& H) { X = H; }

// cosine: the row of the self-similarity matrix to reference positions,
// cos(h_t, h_r) within the sequence for r in R (all positions when T <= 32,
// else 32 evenly spaced). The entry r = t (always 1) is replaced by the mean
// of the row's other entries, so the probe cannot read t off the diagonal.
std::vector<int> cosine_refs(int T) {
  std::vector<int> refs;
  const int R = std::min(T, 32);
  for (int r = 0; r < R; r++) refs.push_back(R == T ? r : (int)((long)r * (T - 1) / (R - 1)));
  return refs;
}
int cosine_width(int T, int) { return std::min(T, 32); }

// Unit rows U = H / |H| (zero rows stay zero).
MatD unit_rows(const MatD& H) {
  const int T = (int)H.rows(), C = (int)H.cols();
  MatD U(T, C);
  for (int t = 0; t < T; t++) {
    const double n = H.row(t).norm();
    U.row(t) = n > 0 ? (H.row(t) / n).eval() : Eigen::RowVectorXd::Zero(C).eval();
  }
  return U;
}

void cosine_fill(Eigen::Ref<MatD> X, const MatD& H) {
  const int T = (int)H.rows();
  const std::vector<int> refs = cosine_refs(T);
  const int D = (int)refs.size();
  // One Gram matrix of unit rows gives every cosine (the whole product: a
  // product of only the reference columns rounds some entries otherwise).
  const MatD U = unit_rows(H);
  MatD G;
  G.noalias() = U * U.transpose();
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
}

// variance: Var_c(h_t) and log Var_c(h_t).
int variance_width(int, int) { return 2; }
void variance_fill(Eigen::Ref<MatD> X, const MatD& H) {
  for (Eigen::Index t = 0; t < H.rows(); t++) {
    const double var = (H.row(t).array() - H.row(t).mean()).square().mean();
    X(t, 0) = var;
    X(t, 1) = std::log(std::max(var, 1e-30));
  }
}

// cosine_past: the cosine row restricted to references r < t (what a causal
// model at t can see besides itself); entries r >= t are missing, so is
// every entry at t = 0. The number of present entries grows with t: that is
// the counting carrier, open to a causal model, not a look at the future.
void cosine_past_fill(Eigen::Ref<MatD> X, const MatD& H) {
  past_cosines(X, unit_rows(H), cosine_refs((int)H.rows()));
}

// cosine_first: cos(h_t, h_0) and log |cos(h_t, h_0)|, the first token as the
// only reference; missing at t = 0.
int cosine_first_width(int, int) { return 2; }
void cosine_first_fill(Eigen::Ref<MatD> X, const MatD& H) {
  const double n0 = H.row(0).norm();
  for (Eigen::Index t = 0; t < H.rows(); t++) {
    const double nt = H.row(t).norm();
    const double c = n0 > 0 && nt > 0 ? H.row(t).dot(H.row(0)) / (n0 * nt) : 0.0;
    X(t, 0) = t == 0 ? NAN : c;
    X(t, 1) = t == 0 ? NAN : std::log(std::max(std::abs(c), 1e-30));
  }
}

}  // namespace

// Doubles in the widest vector of the build (vec.h's width).
typedef double vdouble __attribute__((vector_size(kVecBytes)));
typedef double vdoubleu __attribute__((vector_size(kVecBytes), aligned(alignof(double)), may_alias));
constexpr int kDoubleLanes = kVecBytes / (int)sizeof(double);

// probe_features.h. X(t, k) = U.row(t) . U.row(refs[k]) for refs[k] < t, as Eigen's dot of two
// rows of a column-major matrix sums it: p_0, then + p_c for c = 1 .. C-1,
// every product and sum rounded on its own. Here a vector of positions t at
// a time (a column of U is contiguous in t), each lane that same sequence of
// roundings; the product is opaque so that it is not fused into the add.
void past_cosines(Eigen::Ref<MatD> X, const MatD& U, const std::vector<int>& refs) {
  const int T = (int)U.rows(), C = (int)U.cols();
  const int Tpad = (T + kDoubleLanes - 1) / kDoubleLanes * kDoubleLanes;
  MatD Up = MatD::Zero(Tpad, C);  // whole vectors to the last position
  Up.topRows(T) = U;
  std::vector<double> dots(Tpad);
  for (size_t k = 0; k < refs.size(); k++) {
    const int r = refs[k];
    const int t0 = (r + 1) / kDoubleLanes * kDoubleLanes;  // the vector holding position r + 1
    for (int t = t0; t < Tpad; t += kDoubleLanes) {
      vdouble acc = *reinterpret_cast<const vdoubleu*>(&Up(t, 0)) * (Up(r, 0) - vdouble{});
      for (int c = 1; c < C; c++) {
        vdouble p = *reinterpret_cast<const vdoubleu*>(&Up(t, c)) * (Up(r, c) - vdouble{});
#if defined(__x86_64__)
        __asm__("" : "+v"(p));
#endif
        acc = acc + p;
      }
      *reinterpret_cast<vdoubleu*>(&dots[t]) = acc;
    }
    for (int t = 0; t < T; t++) X(t, (Eigen::Index)k) = r < t ? dots[t] : NAN;
  }
}

const std::vector<ProbeFeatureRow>& probe_feature_rows() {
  static const std::vector<ProbeFeatureRow> rows = {
      {ProbeFeatures::hidden, "hidden", "hidden features", "the hidden state h_t itself (C features)", hidden_width,
       hidden_fill},
      {ProbeFeatures::cosine, "cosine", "cosine features",
       "cos(h_t, h_r) to up to 32 reference positions r of the same sequence, the r = t entry replaced by the row mean",
       cosine_width, cosine_fill},
      {ProbeFeatures::variance, "variance", "variance features", "Var_c(h_t) and log Var_c(h_t)", variance_width,
       variance_fill},
      {ProbeFeatures::cosine_past, "cosine_past", "past-only cosine features",
       "cos(h_t, h_r) to the reference positions r < t only (the causal model's past); later ones missing",
       cosine_width, cosine_past_fill},
      {ProbeFeatures::cosine_first, "cosine_first", "cosine to the first token",
       "cos(h_t, h_0) and log |cos(h_t, h_0)|; missing at t = 0", cosine_first_width, cosine_first_fill},
  };
  return rows;
}

const ProbeFeatureRow& probe_feature_row(ProbeFeatures f) {
  for (const ProbeFeatureRow& r : probe_feature_rows())
    if (r.id == f) return r;
  return probe_feature_rows().front();  // unreachable: every enumerator has a row (tested)
}

const char* to_string(ProbeFeatures f) { return probe_feature_row(f).name; }

bool probe_features_from_string(const std::string& s, ProbeFeatures* out) {
  return registry_parse(probe_feature_rows(), s, &ProbeFeatureRow::id, out);
}

std::string probe_feature_names_joined() { return registry_names(probe_feature_rows()); }

}  // namespace nope
