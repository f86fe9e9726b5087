#include "analysis/decay_theory.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nope {

double averaging_rho(const real* h, int B, int T, int C) {
  if (B < 2) return 0.0;
  std::vector<double> mu(C, 0.0);
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++) mu[c] += double(h[(size_t)b * T * C + c]) / B;
  double mu2 = 0, s2 = 0;
  for (int c = 0; c < C; c++) mu2 += mu[c] * mu[c];
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++) {
      const double d = double(h[(size_t)b * T * C + c]) - mu[c];
      s2 += d * d / (B - 1);
    }
  // |sample mean|^2 overestimates |mu|^2 by s^2 / B: remove that bias.
  return s2 > 0 ? std::max(0.0, mu2 - s2 / B) / s2 : 0.0;
}

void decay_theory(double* out, double rho, int T) {
  for (int k = 0; k < T; k++) {
    double sum = 0;
    for (int i = k; i < T; i++) {
      const double a = i - k + 1, b = i + 1;  // 1-based positions, a <= b
      sum += std::sqrt((rho + 1 / b) / (rho + 1 / a));
    }
    out[k] = sum / (T - k);
  }
}

double decay_theory_gap(const double* measured, const double* theory, int T) {
  if (T < 2) return 0.0;
  double sum = 0;
  for (int k = 1; k < T; k++) sum += std::abs(measured[k] - theory[k]);
  return sum / (T - 1);
}

}  // namespace nope
