#include "gemm.h"

#if !(defined(__wasm_simd128__) && !defined(NOPE_DOUBLE))
namespace nope {

// Eigen path. Row-major maps with explicit outer strides; `.noalias()` keeps
// Eigen from allocating a temporary for the product.
void gemm(bool trans_a, bool trans_b, int M, int N, int K, real alpha,
          const real* A, int lda, const real* B, int ldb, real beta, real* C, int ldc) {
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

}  // namespace nope
#endif
