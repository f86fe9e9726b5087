// LayerNorm's per-row sums, four rows at a time in wasm.
//
// Without SIMD packets (the wasm build: Eigen 3.4 has no wasm simd128 path)
// Eigen sums a row from its first element in index order, one dependent add
// after another: the row statistics were scalar and latency-bound. Here four
// rows share one f32x4, one row per lane, and each lane adds its row's
// elements in the same order from the same first element, with the same
// products: the same additions, so the same bits, four rows per instruction.
// Elsewhere (native AVX, SSE, the double build) Eigen's own vectorised sums
// stay: the callers use these only under LAYERNORM_ROWS4.
#pragma once
#include <cstddef>
#include <utility>

#include "tensor.h"

#if defined(__wasm_simd128__) && !defined(NOPE_DOUBLE)
#define LAYERNORM_ROWS4 1
#include <wasm_simd128.h>

namespace nope {

// Element c .. c+3 of rows r[0..3], as four vectors t[j] = (r0[c+j], r1[c+j],
// r2[c+j], r3[c+j]): a 4x4 transpose of four row loads.
inline void layernorm_load4x4(const float* const r[4], int c, v128_t t[4]) {
  const v128_t a = wasm_v128_load(r[0] + c), b = wasm_v128_load(r[1] + c);
  const v128_t e = wasm_v128_load(r[2] + c), f = wasm_v128_load(r[3] + c);
  const v128_t ab_lo = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab_hi = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
  const v128_t ef_lo = wasm_i32x4_shuffle(e, f, 0, 4, 1, 5), ef_hi = wasm_i32x4_shuffle(e, f, 2, 6, 3, 7);
  t[0] = wasm_i32x4_shuffle(ab_lo, ef_lo, 0, 1, 4, 5);
  t[1] = wasm_i32x4_shuffle(ab_lo, ef_lo, 2, 3, 6, 7);
  t[2] = wasm_i32x4_shuffle(ab_hi, ef_hi, 0, 1, 4, 5);
  t[3] = wasm_i32x4_shuffle(ab_hi, ef_hi, 2, 3, 6, 7);
}

inline v128_t layernorm_load1x4(const float* const r[4], int c) {
  return wasm_f32x4_make(r[0][c], r[1][c], r[2][c], r[3][c]);
}

// Calls f(c, column...) for every c in 0..C-1 in order, one column per row
// set: element c of that set's four rows. Each set is transposed four
// columns at a time; a tail of C % 4 columns is gathered one by one.
template <class F, size_t... K, class... Rows>
inline void layernorm_columns4_impl(int C, F&& f, std::index_sequence<K...>, const Rows&... rows) {
  const float* const* sets[] = {rows...};
  int c = 0;
  for (; c + 4 <= C; c += 4) {
    v128_t t[sizeof...(K)][4];
    for (size_t k = 0; k < sizeof...(K); k++) layernorm_load4x4(sets[k], c, t[k]);
    for (int j = 0; j < 4; j++) f(c + j, t[K][j]...);
  }
  for (; c < C; c++) f(c, layernorm_load1x4(sets[K], c)...);
}

template <class F, class... Rows>
inline void layernorm_columns4(int C, F&& f, const Rows&... rows) {
  layernorm_columns4_impl(C, f, std::index_sequence_for<Rows...>{}, rows...);
}

// Sum over c of term(c, column): lane l is row l's sum, from c = 0 in order.
template <class Term>
inline v128_t layernorm_sum4(const float* const r[4], int C, Term&& term) {
  v128_t s = wasm_f32x4_splat(0.f);
  layernorm_columns4(C, [&](int c, v128_t col) {
    const v128_t v = term(c, col);
    s = c == 0 ? v : wasm_f32x4_add(s, v);
  }, r);
  return s;
}

// Forward statistics of rows x[0..3]: mean = sum(x) / C and
// var = sum((x - mean)^2) / C, as the scalar row loop computes them.
inline void layernorm_mean_var4(const float* const x[4], int C, v128_t& mean, v128_t& var) {
  const v128_t n = wasm_f32x4_splat((float)C);
  mean = wasm_f32x4_div(layernorm_sum4(x, C, [](int, v128_t v) { return v; }), n);
  const v128_t m = mean;
  var = wasm_f32x4_div(layernorm_sum4(x, C, [&](int, v128_t v) {
          const v128_t d = wasm_f32x4_sub(v, m);
          return wasm_f32x4_mul(d, d);
        }), n);
}

// Backward sums of rows (x, dy)[0..3] with gain w: sum(dy * w) / C and
// sum(dy * w * (x - mean) * rstd) / C, each product in that order.
inline void layernorm_backward_means4(const float* const x[4], const float* const dy[4], const float* w, int C,
                                      v128_t mean, v128_t rstd, v128_t& dnorm_mean, v128_t& dnorm_norm_mean) {
  v128_t s1 = wasm_f32x4_splat(0.f), s2 = s1;
  layernorm_columns4(C, [&](int c, v128_t dyc, v128_t xc) {
    const v128_t a = wasm_f32x4_mul(dyc, wasm_f32x4_splat(w[c]));
    const v128_t b = wasm_f32x4_mul(wasm_f32x4_mul(a, wasm_f32x4_sub(xc, mean)), rstd);
    s1 = c == 0 ? a : wasm_f32x4_add(s1, a);
    s2 = c == 0 ? b : wasm_f32x4_add(s2, b);
  }, dy, x);
  const v128_t n = wasm_f32x4_splat((float)C);
  dnorm_mean = wasm_f32x4_div(s1, n);
  dnorm_norm_mean = wasm_f32x4_div(s2, n);
}

}  // namespace nope
#endif
