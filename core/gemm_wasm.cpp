// wasm SIMD (128-bit) GEMM: Eigen 3.4 has no wasm SIMD path, and the
// compiler's auto-vectorisation of its generic kernel reaches a fraction of
// what explicit f32x4 code does. op(B) is packed into a contiguous (K, N8)
// panel (N rounded up to 8, zero padded) and op(A) into (M, K) rows; a 4x8
// register-blocked micro-kernel keeps 8 f32x4 accumulators live.
#if defined(__wasm_simd128__) && !defined(NOPE_DOUBLE)
#include <wasm_simd128.h>

#include <cstring>
#include <vector>

#include "gemm.h"

namespace nope {

namespace {

// Packing buffers grow to the largest product seen and are then reused: a
// warm training step allocates nothing. (The module is single-threaded.)
std::vector<float> g_pack_a, g_pack_b;

template <int R>
inline void micro_kernel(int K, int N8, const float* Ap, int lda, const float* Bp, int j, float alpha,
                         float beta, float* C, int ldc, int ncols) {
  v128_t acc0[R], acc1[R];
  for (int r = 0; r < R; r++) acc0[r] = acc1[r] = wasm_f32x4_splat(0.0f);
  const float* b = Bp + j;
  for (int k = 0; k < K; k++, b += N8) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    for (int r = 0; r < R; r++) {
      const v128_t a = wasm_f32x4_splat(Ap[r * lda + k]);
      acc0[r] = wasm_f32x4_add(acc0[r], wasm_f32x4_mul(a, b0));
      acc1[r] = wasm_f32x4_add(acc1[r], wasm_f32x4_mul(a, b1));
    }
  }
  const v128_t va = wasm_f32x4_splat(alpha);
  for (int r = 0; r < R; r++) {
    float* c = C + r * ldc + j;
    v128_t o0 = wasm_f32x4_mul(acc0[r], va), o1 = wasm_f32x4_mul(acc1[r], va);
    if (ncols == 8) {
      if (beta != 0.0f) {
        o0 = wasm_f32x4_add(o0, wasm_v128_load(c));
        o1 = wasm_f32x4_add(o1, wasm_v128_load(c + 4));
      }
      wasm_v128_store(c, o0);
      wasm_v128_store(c + 4, o1);
    } else {  // right edge: fewer than 8 valid columns
      alignas(16) float tmp[8];
      wasm_v128_store(tmp, o0);
      wasm_v128_store(tmp + 4, o1);
      for (int q = 0; q < ncols; q++) c[q] = (beta != 0.0f ? c[q] : 0.0f) + tmp[q];
    }
  }
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B,
          int ldb, real beta, real* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {  // empty sum: C = beta * C
    for (int i = 0; i < M; i++)
      if (beta == 0.0f) std::memset(C + (size_t)i * ldc, 0, sizeof(float) * N);
    return;
  }
  const int N8 = (N + 7) & ~7;
  if (g_pack_b.size() < (size_t)K * N8) g_pack_b.resize((size_t)K * N8);
  float* Bp = g_pack_b.data();
  for (int k = 0; k < K; k++) {
    float* row = Bp + (size_t)k * N8;
    if (!trans_b) {
      std::memcpy(row, B + (size_t)k * ldb, sizeof(float) * N);
    } else {
      for (int j = 0; j < N; j++) row[j] = B[(size_t)j * ldb + k];
    }
    for (int j = N; j < N8; j++) row[j] = 0.0f;
  }
  // op(A) rows must be contiguous in k; a row-major A already is.
  const float* Ap = A;
  int ldap = lda;
  if (trans_a) {
    if (g_pack_a.size() < (size_t)M * K) g_pack_a.resize((size_t)M * K);
    float* p = g_pack_a.data();
    for (int k = 0; k < K; k++)
      for (int i = 0; i < M; i++) p[(size_t)i * K + k] = A[(size_t)k * lda + i];
    Ap = p;
    ldap = K;
  }
  for (int i = 0; i < M; i += 4) {
    const int rows = M - i < 4 ? M - i : 4;
    const float* a = Ap + (size_t)i * ldap;
    float* c = C + (size_t)i * ldc;
    for (int j = 0; j < N; j += 8) {
      const int ncols = N - j < 8 ? N - j : 8;
      switch (rows) {
        case 4: micro_kernel<4>(K, N8, a, ldap, Bp, j, alpha, beta, c, ldc, ncols); break;
        case 3: micro_kernel<3>(K, N8, a, ldap, Bp, j, alpha, beta, c, ldc, ncols); break;
        case 2: micro_kernel<2>(K, N8, a, ldap, Bp, j, alpha, beta, c, ldc, ncols); break;
        default: micro_kernel<1>(K, N8, a, ldap, Bp, j, alpha, beta, c, ldc, ncols); break;
      }
    }
  }
}

}  // namespace nope
#endif
