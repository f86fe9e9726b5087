// Variance across embedding dimensions by position (Chi et al. 2023): with
// near-uniform causal attention the attention output at position t averages
// t value vectors, so its variance falls like 1/t.
#pragma once
#include <vector>

#include "tensor.h"

namespace nope {

// out (T): Var_c(h[b, t, c]) (population variance over C) averaged over B.
void variance_profile(double* out, const real* h, int B, int T, int C);
// Least-squares slope of log v[t] against log t for 1-based t = 1..T,
// skipping non-positive values. -1 for an exact 1/t law.
double loglog_slope(const double* v, int T);
// Small-sigma theory for the first layer's attention output with normal
// init (std sigma for W_V and W_O, unit-variance normed input):
// Var(o_t) = sigma^4 d^2 / t. out (T).
void variance_theory(double* out, double sigma, int d, int T);

}  // namespace nope
