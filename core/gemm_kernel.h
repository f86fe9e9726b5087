// Which product implements nope::gemm in this build:
//  - native float with AVX: gemm_x86.cpp, its own blocked kernel that packs
//    op(B) once and shares it between threads (NOPE_GEMM_SIMD);
//  - wasm float: gemm_wasm.cpp, the same structure around a wasm SIMD
//    micro-kernel (NOPE_GEMM_WASM);
//  - double (gradient checks), no AVX, or -DNOPE_GEMM_EIGEN: gemm_eigen.cpp splits C into
//    fixed tiles and runs gemm_kernel (Eigen) once per tile, possibly on
//    several threads at once.
#pragma once
#include "gemm.h"

#if !defined(NOPE_DOUBLE) && !defined(__wasm__) && !defined(NOPE_GEMM_EIGEN) && defined(__AVX__)
#define NOPE_GEMM_SIMD 1
#endif
#if defined(__wasm_simd128__) && !defined(NOPE_DOUBLE)
#define NOPE_GEMM_WASM 1
#endif

namespace nope {

void gemm_kernel(bool trans_a, bool trans_b, int M, int N, int K, real alpha, const real* A, int lda,
                 const real* B, int ldb, Grad into, real* C, int ldc);

}  // namespace nope
