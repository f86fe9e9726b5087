// tanh over an array, for the GELU. Natively Eigen's vectorised tanh (a
// rational approximation: faster here than vtanh's exp and division, 0.19
// against 0.31 ns an element on Zen 5). Eigen has no wasm SIMD path, so
// its tanh would fall back to scalar libm calls there; the wasm float build
// uses vtanh (vec.h) in f32x4 vectors instead.
#pragma once
#include "tensor.h"
#include "vec.h"

namespace nope {

#if defined(__wasm__) && !defined(NOPE_DOUBLE)
inline void tanh_into(real* out, const real* u, int n) {
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) vstore(out + i, vtanh(vload(u + i)));
  if (i == n) return;
  alignas(16) real x[kLanes] = {};
  for (int l = 0; l < n - i; l++) x[l] = u[i + l];
  vstore(x, vtanh(vload(x)));
  for (int l = 0; l < n - i; l++) out[i + l] = x[l];
}
#else
inline void tanh_into(real* out, const real* u, int n) {
  Eigen::Map<Eigen::Array<real, Eigen::Dynamic, 1>>(out, n) = Eigen::Map<const Eigen::Array<real, Eigen::Dynamic, 1>>(u, n).tanh();
}
#endif

}  // namespace nope
