// Short vectors of `real` for the element-wise hot loops (softmax rows,
// GELU): GCC/Clang vector extensions, one source for every build. kLanes is
// the widest the build has: 16 floats with AVX-512, 8 with AVX, 4 otherwise
// (SSE2, wasm simd128); half as many doubles.
//
// Why not Eigen here: its exp/tanh leave a row's last n % lanes elements to
// scalar libm calls (at attention's row lengths, a large share of the
// softmax), its reductions pick their split by the address, and it has no wasm
// SIMD path. Every loop below works on whole vectors, the last one masked in
// place or through a padded copy (RowTail), so each row's arithmetic
// depends on its length only.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "tensor.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

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
// x in every lane (x - 0 is x for every x, -0 included, so this folds to a
// broadcast; 0 + x would not).
inline vreal vsplat(real x) { return x - vreal{}; }
// Written as wasm's pmin/pmax select (one instruction under V8, where
// f32x4.min/max, with their NaN rules, take several). A NaN in `a` comes
// out (the comparison fails), one in `b` does not: clamp as vmax(x, lo) so
// that a diverging run's NaN reaches the loss.
inline vreal vmax(vreal a, vreal b) { return a < b ? b : a; }
inline vreal vmin(vreal a, vreal b) { return b < a ? b : a; }
// The square root of every lane, correctly rounded (as std::sqrt).
inline vreal vsqrt(vreal x) {
  constexpr bool f = sizeof(real) == 4;
#if defined(__AVX512F__)
  if constexpr (f) return (vreal)_mm512_sqrt_ps((__m512)x);
  else return (vreal)_mm512_sqrt_pd((__m512d)x);
#elif defined(__AVX__)
  if constexpr (f) return (vreal)_mm256_sqrt_ps((__m256)x);
  else return (vreal)_mm256_sqrt_pd((__m256d)x);
#elif defined(__SSE2__)
  if constexpr (f) return (vreal)_mm_sqrt_ps((__m128)x);
  else return (vreal)_mm_sqrt_pd((__m128d)x);
#elif defined(__wasm_simd128__)
  if constexpr (f) return (vreal)wasm_f32x4_sqrt((v128_t)x);
  else return (vreal)wasm_f64x2_sqrt((v128_t)x);
#else
  for (int l = 0; l < kLanes; l++) x[l] = std::sqrt(x[l]);
  return x;
#endif
}
// v as the result of something the compiler cannot see into (no
// instruction): what computed v is not fused or folded with what uses it.
// x86 only, where GCC does both (FMA contraction, masked loads).
inline void vopaque(vreal& v) {
#if defined(__x86_64__)
  __asm__("" : "+v"(v));
#else
  (void)v;
#endif
}
// Lanes [0, n) kept, the others zero.
inline vreal vkeep_first(vreal v, int n) {
  vmask idx;
  for (int l = 0; l < kLanes; l++) idx[l] = l;
  return (vreal)((vmask)v & (idx < (lane_int)n));
}
// Lane sums and maxima as a pairwise tree over the lanes: ((x0 + x1) +
// (x2 + x3)) + ..., a fixed order in every build, with a short dependency
// chain (a lane-by-lane sum would be a long serial chain at attention's row
// lengths). Each level combines every lane with its partner S lanes away in
// one vector operation; lane 0 ends up holding the tree's root, without
// extracting lanes to scalars.
template <int S, size_t... I>
inline vreal partner_lanes(vreal v, std::index_sequence<I...>) {
  return __builtin_shufflevector(v, v, (int)(I ^ S)...);
}
template <int S = 1>
inline real hsum(vreal v) {
  if constexpr (S == kLanes) return v[0];
  else return hsum<2 * S>(v + partner_lanes<S>(v, std::make_index_sequence<kLanes>{}));
}
// Each pair as a > b ? a : b with a the lower lanes' value.
template <int S = 1>
inline real hmax(vreal v) {
  if constexpr (S == kLanes) return v[0];
  else {
    const vreal b = partner_lanes<S>(v, std::make_index_sequence<kLanes>{});
    return hmax<2 * S>(v > b ? v : b);
  }
}

// Transposes kLanes rows of kLanes lanes in place (r[i][j] <-> r[j][i]):
// step Bit swaps bit Bit of the row index with bit Bit of the lane index,
// for every pair of rows that differ in that bit, one two-vector shuffle
// per row.
template <int Bit, size_t... I>
inline vreal swap_bit_low(vreal a, vreal b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, (int)((I & Bit) ? kLanes + (I ^ Bit) : I)...);
}
template <int Bit, size_t... I>
inline vreal swap_bit_high(vreal a, vreal b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, (int)((I & Bit) ? kLanes + I : (I ^ Bit))...);
}
template <int Bit = 1>
inline void transpose_lanes(vreal* r) {
  if constexpr (Bit < kLanes) {
    constexpr auto lanes = std::make_index_sequence<kLanes>{};
    for (int i = 0; i < kLanes; i++) {
      if (i & Bit) continue;
      const vreal a = r[i], b = r[i | Bit];
      r[i] = swap_bit_low<Bit>(a, b, lanes);
      r[i | Bit] = swap_bit_high<Bit>(a, b, lanes);
    }
    transpose_lanes<2 * Bit>(r);
  }
}

// Whole vectors over a row [0, n) of a buffer whose row is T long: the last,
// partial vector is read in place when it lies inside [0, T) (its lanes past
// n are read and then masked out), else through a zero-padded copy (always
// with T = n: a flat chunk that ends at n).
struct RowTail {
  int full, rest;    // [0, full) in whole vectors, then rest < kLanes
  bool in_place;
  RowTail(int n, int T) : full(n / kLanes * kLanes), rest(n - full), in_place(full + kLanes <= T) {}
  vreal load(const real* row, real* pad) const {
    if (in_place) {
      // A whole-vector load, then the mask: GCC would fold the two into a
      // masked load, which cannot take its data from the stores that just
      // wrote the row (a scores or datt product) and waits for them to retire.
      vreal v = vload(row + full);
      vopaque(v);
      return vkeep_first(v, rest);
    }
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

// The constants of vexp, vtanh and the GELU (ops.cpp), one list:
// X(name, count, values...) declares a VecConsts field (a real, or an array
// of `count`) and the VecK vector(s) splatted from it.
//   exp: the Cephes polynomial, x clamped to [-87.3, 88.7]; n = round(x / ln 2)
//   to nearest even by the 1.5 * 2^23 trick; ln 2 in two parts so that
//   x - n ln 2 stays exact.
//   tanh: Eigen's rational approximation (generic_fast_tanh_float, Eigen 3.4,
//   MPL2): odd degree 13 over even degree 6, clamped where it reaches +-1 (a
//   little further when fused multiply-adds evaluate it).
//   gelu: sqrt(2/pi), 0.044715 and 3 * 0.044715.
#if defined(__FMA__)
constexpr float kTanhClamp = 7.99881172180175781f;
#else
constexpr float kTanhClamp = 7.90531110763549805f;
#endif
#define NOPE_VEC_CONSTS(X)                                                                                      \
  X(one, 1, 1)                                                                                                  \
  X(half, 1, 0.5)                                                                                               \
  X(exp_lo, 1, -87.3f)                                                                                          \
  X(exp_hi, 1, 88.7f)                                                                                           \
  X(exp_magic, 1, 12582912.0f)                                                                                  \
  X(log2e, 1, 1.44269504089f)                                                                                   \
  X(ln2_hi, 1, 0.693359375f)                                                                                    \
  X(ln2_lo, 1, -2.12194440e-4f)                                                                                 \
  X(exp_p, 6, 1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f,       \
    5.0000001201e-1f)                                                                                           \
  X(tanh_clamp, 1, kTanhClamp)                                                                                  \
  X(tanh_tiny, 1, 0.0004f)                                                                                      \
  X(tanh_p, 7, -2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f, 5.12229709037114e-08f,  \
    1.48572235717979e-05f, 6.37261928875436e-04f, 4.89352455891786e-03f)                                       \
  X(tanh_q, 4, 1.19825839466702e-06f, 1.18534705686654e-04f, 2.26843463243900e-03f, 4.89352518554385e-03f)     \
  X(gelu_s, 1, real(0.7978845608028654))                                                                        \
  X(gelu_a, 1, real(0.044715))                                                                                  \
  X(gelu_3a, 1, real(3 * 0.044715))

// A constant's type: a real, or an array of them.
template <typename T, int N>
struct VecConstOf {
  using type = T[N];
};
template <typename T>
struct VecConstOf<T, 1> {
  using type = T;
};

struct VecConsts {
#define NOPE_VEC_FIELD(name, n, ...) typename VecConstOf<real, n>::type name = {__VA_ARGS__};
  NOPE_VEC_CONSTS(NOPE_VEC_FIELD)
#undef NOPE_VEC_FIELD
};
inline constexpr VecConsts kVecConstsValue{};
// In the wasm build the constants live in memory the compiler cannot see
// into (vec.cpp), so each is a load-and-splat: as literals, clang emits
// v128.const, which V8 rebuilds in several instructions on every pass of
// the loop that uses it. Natively they are literals.
#if defined(__wasm__) && !defined(NOPE_DOUBLE)
extern const VecConsts kVecConsts;  // = kVecConstsValue, in vec.cpp
#else
inline constexpr const VecConsts& kVecConsts = kVecConstsValue;
#endif

// The constants as vectors, splatted once by the caller before its loop
// (in the wasm build, a load and splat inside the loop would be repeated on
// every pass: clang cannot hoist them past the loop's stores).
inline void vsplat_into(vreal& out, real x) { out = vsplat(x); }
template <int N>
inline void vsplat_into(vreal (&out)[N], const real (&x)[N]) {
  for (int i = 0; i < N; i++) out[i] = vsplat(x[i]);
}
struct VecK {
#define NOPE_VEC_FIELD(name, n, ...) typename VecConstOf<vreal, n>::type name;
  NOPE_VEC_CONSTS(NOPE_VEC_FIELD)
#undef NOPE_VEC_FIELD
  VecK() {
#define NOPE_VEC_SPLAT(name, n, ...) vsplat_into(name, kVecConsts.name);
    NOPE_VEC_CONSTS(NOPE_VEC_SPLAT)
#undef NOPE_VEC_SPLAT
  }
};

// exp of every lane. Floats: ~1 ulp, and a very negative input gives
// ~1e-38, not 0 (the clamp). Doubles (the gradient-check build) need full
// double accuracy: libm per lane.
inline vreal vexp(vreal x, const VecK& K) {
  if constexpr (sizeof(real) == 8) {
    for (int l = 0; l < kLanes; l++) x[l] = std::exp(x[l]);
    return x;
  } else {
    x = vmin(vmax(x, K.exp_lo), K.exp_hi);
    const vreal n = (x * K.log2e + K.exp_magic) - K.exp_magic;
    const vreal r = x - n * K.ln2_hi - n * K.ln2_lo;
    vreal p = K.exp_p[0];
    for (int i = 1; i < 6; i++) p = p * r + K.exp_p[i];
    const vreal y = p * r * r + r + K.one;
    const vmask bits = (__builtin_convertvector(n, vmask) + 127) << 23;
    return y * (vreal)bits;
  }
}

// tanh of every lane. Floats: the rational form above, half the
// instructions of 1 - 2 / (exp(2u) + 1). Doubles: libm.
inline vreal vtanh(vreal u, const VecK& K) {
  if constexpr (sizeof(real) == 8) {
    for (int l = 0; l < kLanes; l++) u[l] = std::tanh(u[l]);
    return u;
  } else {
    const vreal x = vmax(vmin(u, K.tanh_clamp), -K.tanh_clamp);
    const vreal x2 = x * x;
    vreal p = K.tanh_p[0];
    for (int i = 1; i < 7; i++) p = x2 * p + K.tanh_p[i];
    p = x * p;
    vreal q = K.tanh_q[0];
    for (int i = 1; i < 4; i++) q = x2 * q + K.tanh_q[i];
    return vmax(u, -u) < K.tanh_tiny ? x : p / q;
  }
}

}  // namespace nope
