// Which product implements nope::gemm in this build:
//  - native float: gemm_simd.cpp, its own blocked kernel that packs op(B)
//    once and shares it between threads (NOPE_GEMM_SIMD);
//  - double (gradient checks), wasm, or -DNOPE_GEMM_EIGEN: gemm.cpp splits C
//    into fixed tiles and runs gemm_kernel (Eigen in gemm.cpp, or the wasm
//    SIMD kernel in gemm_wasm.cpp) once per tile, possibly on several
//    threads at once, so it keeps no shared mutable state. beta is 0 or 1.
#pragma once
#include "tensor.h"

#if !defined(NOPE_DOUBLE) && !defined(__wasm__) && !defined(NOPE_GEMM_EIGEN)
#define NOPE_GEMM_SIMD 1
#endif

namespace nope {

void gemm_kernel(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda,
                 const real* B, int ldb, real beta, real* C, int ldc);

}  // namespace nope
