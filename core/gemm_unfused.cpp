// gemm_bias and gemm_tn_sums (gemm.h) for the builds without the fused AVX
// kernel (wasm, double, portable): the product, then the pass it would have
// fused, in the same order per element.
#include <algorithm>

#include "gemm.h"
#include "gemm_kernel.h"
#include "threads.h"

#ifndef NOPE_GEMM_SIMD  // gemm_x86.cpp fuses them
namespace nope {

void gemm_bias(bool trans_b, int M, int N, int K, const real* A, int lda, const real* B, int ldb,
               const real* bias, real* C, int ldc) {
  gemm(false, trans_b, M, N, K, real(1), A, lda, B, ldb, Grad::overwrite, C, ldc);
  constexpr int kRows = 64;
  parallel_for(num_chunks(M, kRows), [&](int task) {
    for (int i = task * kRows; i < std::min(M, (task + 1) * kRows); i++) {
      real* c = C + (size_t)i * ldc;
      for (int j = 0; j < N; j++) c[j] += bias[j];
    }
  });
}

void gemm_tn_sums(int M, int N, int K, const real* A, int lda, const real* B, int ldb, real* C, int ldc,
                  real* sums) {
  gemm(true, false, M, N, K, real(1), A, lda, B, ldb, Grad::accumulate, C, ldc);
  // By columns of A, each summed over k in order: the same for any split.
  constexpr int kCols = 64;
  parallel_for(num_chunks(M, kCols), [&](int task) {
    const int i0 = task * kCols, i1 = std::min(M, i0 + kCols);
    for (int k = 0; k < K; k++) {
      const real* a = A + (size_t)k * lda;
      for (int i = i0; i < i1; i++) sums[i] += a[i];
    }
  });
}

}  // namespace nope
#endif
