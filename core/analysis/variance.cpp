#include "variance.h"

#include <cmath>

namespace nope {

void variance_profile(double* out, const real* h, int B, int T, int C) {
  for (int t = 0; t < T; t++) out[t] = 0;
  // Per-state mean and spread in `real` (vectorised; C terms each), summed
  // over the batch in double.
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      const auto x = CMapV(h + ((size_t)b * T + t) * C, C).array();
      const real mean = x.sum() / real(C);
      out[t] += double((x - mean).square().sum()) / C / B;
    }
}

double loglog_slope(const double* v, int T) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (int t = 0; t < T; t++) {
    if (!(v[t] > 0)) continue;
    const double x = std::log(double(t + 1)), y = std::log(v[t]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    n++;
  }
  const double den = n * sxx - sx * sx;
  return n >= 2 && den != 0 ? (n * sxy - sx * sy) / den : 0.0;
}

void variance_theory(double* out, double sigma, int d, int T) {
  const double s2 = sigma * sigma;
  for (int t = 0; t < T; t++) out[t] = s2 * s2 * double(d) * d / (t + 1);
}

}  // namespace nope
