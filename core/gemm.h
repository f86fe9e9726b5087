// The matrix products every hot path goes through (linear layers and
// attention), BLAS-style over row-major buffers with leading dimensions:
//   C = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T
// with op(A) (M, K), op(B) (K, N), C (M, N). Natively this is Eigen; the wasm
// build swaps in hand-written wasm_simd128 kernels (gemm_wasm.cpp) where
// they beat Eigen's auto-vectorised code. beta is 0 (overwrite) or 1
// (accumulate, as backward passes do).
#pragma once
#include "tensor.h"

namespace nope {

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha,
          const real* A, int lda, const real* B, int ldb, real beta, real* C, int ldc);

}  // namespace nope
