// Random operands of one product C (M, N) (+)= alpha op(A) (M, K) op(B) (K, N)
// as the GEMM tests store them: leading dimensions past the rows (lda =
// columns + 3, ldb = columns + 1, ldc = N + 2), so that a kernel that reads
// or writes past a row shows. Drawn A, B, C in that order from r.
#pragma once
#include <vector>

#include "rng.h"
#include "tensor.h"

namespace nope {

struct GemmOperands {
  int lda, ldb, ldc;
  std::vector<real> A, B, C;
};

inline GemmOperands gemm_operands(bool ta, bool tb, int M, int N, int K, Rng& r) {
  const int a_rows = ta ? K : M, a_cols = ta ? M : K;
  const int b_rows = tb ? N : K, b_cols = tb ? K : N;
  GemmOperands o{a_cols + 3, b_cols + 1, N + 2, {}, {}, {}};
  o.A.resize((size_t)a_rows * o.lda);
  o.B.resize((size_t)b_rows * o.ldb);
  o.C.resize((size_t)M * o.ldc);
  for (std::vector<real>* v : {&o.A, &o.B, &o.C})
    for (real& x : *v) x = real(rng_normal(r));
  return o;
}

}  // namespace nope
