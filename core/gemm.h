// The matrix products every hot path goes through (linear layers and
// attention), BLAS-style over row-major buffers with leading dimensions:
//   C = alpha * op(A) * op(B)        (into = Grad::overwrite)
//   C = alpha * op(A) * op(B) + C    (into = Grad::accumulate)
// with op(X) = X or X^T, op(A) (M, K), op(B) (K, N), C (M, N): BLAS's beta,
// which is only ever 0 or 1 here. gemm_kernel.h says which file implements
// it in each build (x86 AVX, wasm SIMD, or Eigen).
#pragma once
#include "tensor.h"

namespace nope {

// Whether a product (or a backward, ops.h) adds its result to the output
// buffer or overwrites it. Backward passes accumulate gradients; a buffer's
// first writer overwrites, so the buffer need not be cleared first.
enum class Grad { accumulate, overwrite };

void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha,
          const real* A, int lda, const real* B, int ldb, Grad into, real* C, int ldc);

// Two products of a linear layer with the pass that follows them fused in
// (the native AVX build fuses them; other builds run the same arithmetic as
// two passes, which gives the same bits):
// C (M, N) = A op(B) + bias, bias one value per column (the forward).
void gemm_bias(bool trans_b, int M, int N, int K, const real* A, int lda, const real* B, int ldb,
               const real* bias, real* C, int ldc);
// C (M, N) += A^T B with A (K, M), and sums[i] += sum over k of A[k][i] in k
// order (the weight and bias gradients together: the AVX kernel sums each
// K block of dY while it is in cache for the product).
void gemm_tn_sums(int M, int N, int K, const real* A, int lda, const real* B, int ldb, real* C, int ldc,
                  real* sums);

}  // namespace nope
