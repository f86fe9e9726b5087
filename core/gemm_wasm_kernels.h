// The wasm SIMD micro-kernels gemm_wasm.cpp chooses among (FFTW/ATLAS style:
// gemm_choice.cpp times them at the first product of each shape class).
// Each computes one MR x NR tile of C over one K block of at most KC:
//   C[r][c] (+)= alpha * (sum over k in order of a(r, k) * b[k][c])
// with every product and sum rounded separately (wasm SIMD has no FMA) and
// the k loop in the same order for every kernel, so all of them give the
// same bits and the choice changes speed only.
//
// Operands: b is a packed micro-panel [k][NR] (NR floats per k, zero past
// N). a is either the rows of a row-major op(A) read in place (stride lda,
// `rows_in_place`), or a packed panel [k][MR] (MR floats per k, zero past M;
// lda unused). The kernels differ in tile shape (register use: MR x NR/4
// accumulators, which fit V8's 15 allocatable xmm registers on x64 or need
// ARM's 32), k unrolling, and how a(r, k) becomes a vector: a
// v128.load32_splat per element, or one load of 4 elements and lane shuffles.
#pragma once

#include "gemm.h"

#if defined(__wasm_simd128__) && !defined(NOPE_DOUBLE)

namespace nope {

constexpr int kWasmKC = 256;  // the K block: every kernel sums the same k ranges

using WasmKernelFn = void (*)(int kc, const float* a, int lda, const float* b, float* C, int ldc, float alpha,
                              bool accumulate, int rows, int cols);

struct WasmKernel {
  const char* name;
  int mr, nr;
  bool rows_in_place;  // a is MR rows of a row-major A; otherwise a packed [k][MR] panel
  WasmKernelFn fn;
  const char* what;    // one line for the bench listing
};

// Every candidate, today's default first.
extern const WasmKernel kWasmKernels[];
extern const int kWasmKernelCount;

// C (M, N) = alpha op(A) op(B) (+ C if into is Grad::accumulate) with this kernel
// (gemm_wasm.cpp); nope::gemm is this with the kernel chosen for the shape.
void gemm_wasm_with(const WasmKernel& kernel, bool trans_a, bool trans_b, int M, int N, int K, float alpha,
                    const float* A, int lda, const float* B, int ldb, Grad into, float* C, int ldc);

// The product with the kernel chosen for it (gemm_choice.cpp): the forced
// one, else the one its shape class chose, probing the class with these
// operands on the first product of the class and timing the products of a
// class on trial.
void gemm_wasm_run(bool trans_a, bool trans_b, int M, int N, int K, float alpha, const float* A, int lda,
                   const float* B, int ldb, Grad into, float* C, int ldc);

}  // namespace nope

#endif
