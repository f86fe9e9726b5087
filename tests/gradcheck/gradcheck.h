// Finite-difference helpers for the double-precision gradient checks
// (ggml's test-backend-ops style: a normalised error over the whole tensor
// plus a non-finite check).
#pragma once
#include <cmath>
#include <functional>
#include <vector>

#include "rng.h"
#include "tensor.h"

namespace gradcheck {

using nope::real;

inline std::vector<real> random_vec(size_t n, uint64_t seed, double scale = 1.0) {
  nope::Rng r = nope::rng_seed(seed);
  std::vector<real> v(n);
  for (real& x : v) x = real(scale * nope::rng_normal(r));
  return v;
}

// Central differences of loss() w.r.t. every entry of x.
template <typename Vec>
std::vector<real> numeric_grad(Vec& x, const std::function<double()>& loss,
                                      double h = 1e-6) {
  std::vector<real> g(x.size());
  for (size_t i = 0; i < x.size(); i++) {
    const real keep = x[i];
    x[i] = keep + h;
    const double lp = loss();
    x[i] = keep - h;
    const double lm = loss();
    x[i] = keep;
    g[i] = real((lp - lm) / (2 * h));
  }
  return g;
}

// ||a - n|| / max(||a||, ||n||): 0 for a perfect match, ~1 for unrelated
// vectors; +inf if anything is non-finite.
inline double normalised_error(const std::vector<real>& a, const std::vector<real>& n) {
  double diff = 0, na = 0, nn = 0;
  for (size_t i = 0; i < a.size(); i++) {
    if (!std::isfinite(a[i]) || !std::isfinite(n[i])) return INFINITY;
    diff += (a[i] - n[i]) * (a[i] - n[i]);
    na += a[i] * a[i];
    nn += n[i] * n[i];
  }
  const double denom = std::sqrt(std::max(na, nn));
  return denom == 0 ? std::sqrt(diff) : std::sqrt(diff) / denom;
}

inline double dot(const std::vector<real>& a, const std::vector<real>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); i++) s += a[i] * b[i];
  return s;
}

}  // namespace gradcheck
