// The single-threaded product behind nope::gemm, one per build: Eigen
// (gemm.cpp) or the wasm SIMD kernel (gemm_wasm.cpp). gemm() splits C into
// fixed tiles and calls this once per tile, possibly on several threads at
// once, so it must keep no shared mutable state. beta is 0 or 1.
#pragma once
#include "tensor.h"

namespace nope {

void gemm_kernel(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda,
                 const real* B, int ldb, real beta, real* C, int ldc);

}  // namespace nope
