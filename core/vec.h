// Short vectors of `real` for the element-wise hot loops (softmax rows,
// GELU): GCC/Clang vector extensions, one source for every build. kLanes is
// the widest the build has: 16 floats with AVX-512, 8 with AVX, 4 otherwise
// (SSE2, wasm simd128); half as many doubles.
//
// Why not Eigen here: its exp/tanh leave a row's last n % lanes elements to
// scalar libm calls (at attention's row lengths, a third of the softmax
// time), its reductions pick their split by the address, and it has no wasm
// SIMD path. Every loop below works on whole vectors, the last one through
// a padded copy, so each row's arithmetic depends on its length only.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tensor.h"

namespace nope {

#if defined(__AVX512F__)
constexpr int kVecBytes = 64;
#elif defined(__AVX__)
constexpr int kVecBytes = 32;
#else
constexpr int kVecBytes = 16;
#endif
constexpr int kLanes = kVecBytes / (int)sizeof(real);

typedef real vreal __attribute__((vector_size(kVecBytes)));
typedef real vrealu __attribute__((vector_size(kVecBytes), aligned(alignof(real)), may_alias));
// Lane masks and float bit patterns: integers of the lane's width.
typedef std::conditional_t<sizeof(real) == 4, int32_t, int64_t> lane_int;
typedef lane_int vmask __attribute__((vector_size(kVecBytes)));

inline vreal vload(const real* p) { return *reinterpret_cast<const vrealu*>(p); }
inline void vstore(real* p, vreal v) { *reinterpret_cast<vrealu*>(p) = v; }
inline vreal vsplat(real x) { return vreal{} + x; }  // (x a register value here; -0 becomes +0)
inline vreal vmax(vreal a, vreal b) { return a > b ? a : b; }
// Lanes [0, n) kept, the others zero.
inline vreal vkeep_first(vreal v, int n) {
  vmask idx;
  for (int l = 0; l < kLanes; l++) idx[l] = l;
  return (vreal)((vmask)v & (idx < (lane_int)n));
}
// Lane sums and maxima as a pairwise tree over the lanes: a fixed order in
// every build, with a short dependency chain (a lane-by-lane sum was most of
// a softmax row's time at attention's row lengths).
template <int N>
inline real tree_sum(const real* x) {
  if constexpr (N == 1) return x[0];
  else return tree_sum<N / 2>(x) + tree_sum<N / 2>(x + N / 2);
}
template <int N>
inline real tree_max(const real* x) {
  if constexpr (N == 1) return x[0];
  else {
    const real a = tree_max<N / 2>(x), b = tree_max<N / 2>(x + N / 2);
    return a > b ? a : b;
  }
}
inline real hsum(vreal v) {
  alignas(kVecBytes) real x[kLanes];
  vstore(x, v);
  return tree_sum<kLanes>(x);
}
inline real hmax(vreal v) {
  alignas(kVecBytes) real x[kLanes];
  vstore(x, v);
  return tree_max<kLanes>(x);
}

// Whole vectors over a row [0, n) of a buffer whose row is T long: the last,
// partial vector is read in place when it lies inside [0, T) (its lanes past
// n are read and then masked out), else through a zero-padded copy.
struct RowTail {
  int full, rest;    // [0, full) in whole vectors, then rest < kLanes
  bool in_place;
  RowTail(int n, int T) : full(n / kLanes * kLanes), rest(n - full), in_place(full + kLanes <= T) {}
  vreal load(const real* row, real* pad) const {
    if (in_place) return vkeep_first(vload(row + full), rest);
    for (int l = 0; l < kLanes; l++) pad[l] = l < rest ? row[full + l] : real(0);
    return vload(pad);
  }
  // Writes the last vector's lanes [0, rest) and, in place, zeros after them.
  void store(real* row, vreal v, real* pad) const {
    v = vkeep_first(v, rest);
    if (in_place) return vstore(row + full, v);
    vstore(pad, v);
    for (int l = 0; l < rest; l++) row[full + l] = pad[l];
  }
  // First element not yet written by store(): where the zero tail resumes.
  int end() const { return in_place ? full + kLanes : full + rest; }
};

// row[from, T) = 0, in vectors.
inline void zero_from(real* row, int from, int T) {
  int j = from;
  for (; j + kLanes <= T; j += kLanes) vstore(row + j, vreal{});
  for (; j < T; j++) row[j] = real(0);
}

// exp of every lane. Floats: the Cephes polynomial (~1 ulp; clamped to
// [-87.3, 88.7], so a very negative input gives ~1e-38, not 0). Doubles
// (the gradient-check build) need full double accuracy: libm per lane.
inline vreal vexp(vreal x) {
  if constexpr (sizeof(real) == 8) {
    for (int l = 0; l < kLanes; l++) x[l] = std::exp(x[l]);
    return x;
  } else {
    x = vmax(vsplat(-87.3f), x);
    x = x > vsplat(88.7f) ? vsplat(88.7f) : x;
    // n = round(x / ln 2), to nearest even, by the 1.5 * 2^23 trick (|n| < 2^22).
    const vreal magic = vsplat(12582912.0f);
    const vreal n = (x * 1.44269504089f + magic) - magic;
    // x - n ln2 in two parts so the reduction stays exact.
    const vreal r = x - n * 0.693359375f + n * 2.12194440e-4f;
    vreal p = vsplat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const vreal y = p * r * r + r + 1.0f;
    const vmask bits = (__builtin_convertvector(n, vmask) + 127) << 23;
    return y * (vreal)bits;
  }
}

// tanh(u) = 1 - 2 / (exp(2u) + 1): exact limits +-1 for large |u|.
inline vreal vtanh(vreal u) { return real(1) - real(2) / (vexp(real(2) * u) + real(1)); }

}  // namespace nope
