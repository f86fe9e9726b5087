// nope::gemm: splits C into tiles whose shape depends on (M, N, K) only and
// runs them on the thread pool, so every element of C is computed by the
// same kernel call, in the same order, for any thread count. Also the Eigen
// kernel of native (and double) builds.
#include <algorithm>

#include "gemm.h"
#include "gemm_kernel.h"
#include "threads.h"

namespace nope {

namespace {

// A tile should be worth handing to another thread (about 10 us of work),
// and at most kMaxTiles tiles keep packing overhead (each tile packs its own
// panels of A and B) small. Row tiles are multiples of 48: Eigen's AVX-512
// float micro-kernel is 48 rows tall (AVX 24, SSE 12), the wasm one 4.
constexpr double kMinTileFlops = 1 << 20;
constexpr int kMaxTiles = 16;
constexpr int kRowAlign = 48, kColAlign = 16;

int ceil_div(long a, long b) { return (int)((a + b - 1) / b); }
int round_up(long a, long b) { return (int)(ceil_div(a, b) * b); }

}  // namespace

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda, const real* B,
          int ldb, real beta, real* C, int ldc) {
  if (M <= 0 || N <= 0) return;
  const double flops = 2.0 * M * N * std::max(K, 1);
  const int want = (int)std::min<double>(kMaxTiles, std::max(1.0, flops / kMinTileFlops));
  if (want == 1) return gemm_kernel(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  // Rows first (each row tile reads a contiguous block of a row-major A),
  // then columns for what is left of the budget.
  int tm = round_up(ceil_div(M, std::min(want, ceil_div(M, kRowAlign))), kRowAlign);
  tm = std::min(tm, M);
  const int nm = ceil_div(M, tm);
  const int want_n = want / nm;
  int tn = want_n > 1 ? std::min(N, round_up(ceil_div(N, want_n), kColAlign)) : N;
  const int nn = ceil_div(N, tn);
  parallel_for(nm * nn, [&](int tile) {
    const int i0 = tile / nn * tm, j0 = tile % nn * tn;
    const int m = std::min(tm, M - i0), n = std::min(tn, N - j0);
    const real* a = trans_a ? A + i0 : A + (size_t)i0 * lda;  // rows i0.. of op(A)
    const real* b = trans_b ? B + (size_t)j0 * ldb : B + j0;  // columns j0.. of op(B)
    gemm_kernel(trans_a, trans_b, m, n, K, alpha, a, lda, b, ldb, beta, C + (size_t)i0 * ldc + j0, ldc);
  });
}

#if !(defined(__wasm_simd128__) && !defined(NOPE_DOUBLE))
// Eigen kernel. Row-major maps with explicit outer strides; `.noalias()`
// keeps Eigen from allocating a temporary for the product.
void gemm_kernel(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda,
                 const real* B, int ldb, real beta, real* C, int ldc) {
  MapMS c(C, M, N, StrideO(ldc));
  // op(A) is (M, K): stored (M, K) row-major, or (K, M) row-major if transposed.
  CMapMS a(A, trans_a ? K : M, trans_a ? M : K, StrideO(lda));
  CMapMS b(B, trans_b ? N : K, trans_b ? K : N, StrideO(ldb));
  // beta == 0 assigns (no separate zeroing pass over C); beta == 1 accumulates.
  const bool acc = beta != real(0);
  if (!trans_a && !trans_b) acc ? void(c.noalias() += alpha * a * b) : void(c.noalias() = alpha * a * b);
  else if (!trans_a) acc ? void(c.noalias() += alpha * a * b.transpose()) : void(c.noalias() = alpha * a * b.transpose());
  else if (!trans_b) acc ? void(c.noalias() += alpha * a.transpose() * b) : void(c.noalias() = alpha * a.transpose() * b);
  else acc ? void(c.noalias() += alpha * a.transpose() * b.transpose()) : void(c.noalias() = alpha * a.transpose() * b.transpose());
}
#endif

}  // namespace nope
