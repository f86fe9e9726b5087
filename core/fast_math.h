// exp and tanh over arrays for the two hot transcendental loops (softmax in
// attention, GELU). Natively Eigen's vectorised versions are used. Eigen has
// no wasm SIMD path, so there its exp/tanh fall back to scalar libm calls,
// which dominate a training step; the wasm float build uses a Cephes-style
// polynomial exp instead (~1 ulp), written so clang vectorises it to f32x4.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "tensor.h"

namespace nope {

#if defined(__wasm__) && !defined(NOPE_DOUBLE)
inline float poly_expf(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
  const float n = __builtin_nearbyintf(x * 1.44269504089f);
  // x - n ln2 in two parts so the reduction stays exact.
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  const int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

inline void exp_inplace(real* x, int n) {
  for (int i = 0; i < n; i++) x[i] = poly_expf(x[i]);
}

// tanh(u) = 1 - 2 / (exp(2u) + 1): exact limits +-1 for large |u|.
inline void tanh_into(real* out, const real* u, int n) {
  for (int i = 0; i < n; i++) out[i] = 1.0f - 2.0f / (poly_expf(2.0f * u[i]) + 1.0f);
}
#else
inline void exp_inplace(real* x, int n) {
  Eigen::Map<Eigen::Array<real, Eigen::Dynamic, 1>> a(x, n);
  a = a.exp();
}

inline void tanh_into(real* out, const real* u, int n) {
  Eigen::Map<Eigen::Array<real, Eigen::Dynamic, 1>>(out, n) = Eigen::Map<const Eigen::Array<real, Eigen::Dynamic, 1>>(u, n).tanh();
}
#endif

}  // namespace nope
