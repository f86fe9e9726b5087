// The wasm SIMD micro-kernels (gemm_wasm_kernels.h). Each is a function of
// its own, reached through a pointer: TurboFan compiles it alone and keeps
// its accumulators in registers (inlined into the driver it spilled).
#include "gemm_wasm_kernels.h"

#if defined(__wasm_simd128__) && !defined(NOPE_DOUBLE)
#include <wasm_simd128.h>

#include <cstddef>

namespace nope {

namespace {

// Writes the MR x NR accumulators (NV = NR / 4 vectors a row) to C:
// C = alpha * acc, or C += alpha * acc; an edge tile writes only its
// rows x cols part. Inlined: a call per tile was 2% of a model-B step.
template <int MR, int NV>
__attribute__((always_inline)) inline void store_tile(const v128_t (&acc)[MR][NV], float* C, int ldc, float alpha, bool accumulate, int rows,
                       int cols) {
  constexpr int NR = 4 * NV;
  const v128_t va = wasm_f32x4_splat(alpha);
  if (rows == MR && cols == NR) {
    for (int r = 0; r < MR; r++) {
      float* c = C + (size_t)r * ldc;
      for (int j = 0; j < NV; j++) {
        v128_t o = wasm_f32x4_mul(va, acc[r][j]);
        if (accumulate) o = wasm_f32x4_add(o, wasm_v128_load(c + 4 * j));
        wasm_v128_store(c + 4 * j, o);
      }
    }
    return;
  }
  alignas(16) float tile[NR];
  for (int r = 0; r < rows; r++) {
    float* c = C + (size_t)r * ldc;
    for (int j = 0; j < NV; j++) wasm_v128_store(tile + 4 * j, wasm_f32x4_mul(va, acc[r][j]));
    for (int q = 0; q < cols; q++) c[q] = (accumulate ? c[q] : 0.0f) + tile[q];
  }
}

// 4 rows of a row-major A read in place (stride lda) x an 8-column panel,
// written out by hand: 8 accumulators, 2 B vectors and the A splat.
void rows_4x8(int kc, const float* a, int lda, const float* b, float* C, int ldc, float alpha, bool accumulate,
              int rows, int cols) {
  constexpr int NR = 8;
  const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda;
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int k = 0; k < kc; k++, b += NR) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t x = wasm_v128_load32_splat(a0 + k);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
    c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a1 + k);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
    c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a2 + k);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
    c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
    x = wasm_v128_load32_splat(a3 + k);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
    c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
  }
  // The epilogue written out as well (through store_tile the calls of K 32
  // in attention ran 4% slower).
  const v128_t acc[4][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
  const v128_t va = wasm_f32x4_splat(alpha);
  if (rows == 4 && cols == NR) {
    for (int r = 0; r < 4; r++) {
      float* c = C + (size_t)r * ldc;
      v128_t o0 = wasm_f32x4_mul(va, acc[r][0]), o1 = wasm_f32x4_mul(va, acc[r][1]);
      if (accumulate) {
        o0 = wasm_f32x4_add(o0, wasm_v128_load(c));
        o1 = wasm_f32x4_add(o1, wasm_v128_load(c + 4));
      }
      wasm_v128_store(c, o0);
      wasm_v128_store(c + 4, o1);
    }
    return;
  }
  alignas(16) float tile[NR];  // an edge tile: write only the valid part
  for (int r = 0; r < rows; r++) {
    float* c = C + (size_t)r * ldc;
    wasm_v128_store(tile, wasm_f32x4_mul(va, acc[r][0]));
    wasm_v128_store(tile + 4, wasm_f32x4_mul(va, acc[r][1]));
    for (int q = 0; q < cols; q++) c[q] = (accumulate ? c[q] : 0.0f) + tile[q];
  }
}

// One k of a packed-A kernel: acc[r][j] += a(r, k) * b[k][4j..4j+4).
// kShuffle: a(r, k) comes from one 4-float load per 4 rows and a lane
// shuffle (a register operation; on ARM V8 folds it into a by-element
// multiply); otherwise from a v128.load32_splat per row (a broadcast load).
template <int MR, int NV, bool kShuffle>
inline void packed_step(v128_t (&acc)[MR][NV], const float* a, const float* b) {
  v128_t bv[NV];
  for (int j = 0; j < NV; j++) bv[j] = wasm_v128_load(b + 4 * j);
  if constexpr (kShuffle) {
    static_assert(MR % 4 == 0, "shuffle broadcasts take 4 rows per load");
    for (int g = 0; g < MR / 4; g++) {
      const v128_t av = wasm_v128_load(a + 4 * g);
      const v128_t x[4] = {wasm_i32x4_shuffle(av, av, 0, 0, 0, 0), wasm_i32x4_shuffle(av, av, 1, 1, 1, 1),
                           wasm_i32x4_shuffle(av, av, 2, 2, 2, 2), wasm_i32x4_shuffle(av, av, 3, 3, 3, 3)};
      for (int l = 0; l < 4; l++)
        for (int j = 0; j < NV; j++)
          acc[4 * g + l][j] = wasm_f32x4_add(acc[4 * g + l][j], wasm_f32x4_mul(x[l], bv[j]));
    }
  } else {
    for (int r = 0; r < MR; r++) {
      const v128_t x = wasm_v128_load32_splat(a + r);
      for (int j = 0; j < NV; j++) acc[r][j] = wasm_f32x4_add(acc[r][j], wasm_f32x4_mul(x, bv[j]));
    }
  }
}

// MR rows of a packed [k][MR] panel x a packed [k][4 NV] panel, the k loop
// unrolled KU times (each accumulator still adds its products in k order).
template <int MR, int NV, int KU, bool kShuffle>
void packed(int kc, const float* a, int /*lda*/, const float* b, float* C, int ldc, float alpha, bool accumulate,
            int rows, int cols) {
  constexpr int NR = 4 * NV;
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int j = 0; j < NV; j++) acc[r][j] = wasm_f32x4_splat(0.0f);
  int k = 0;
  for (; k + KU <= kc; k += KU, a += KU * MR, b += KU * NR)
    for (int u = 0; u < KU; u++) packed_step<MR, NV, kShuffle>(acc, a + u * MR, b + u * NR);
  for (; k < kc; k++, a += MR, b += NR) packed_step<MR, NV, kShuffle>(acc, a, b);
  store_tile<MR, NV>(acc, C, ldc, alpha, accumulate, rows, cols);
}

}  // namespace

// Vector registers a kernel needs under V8 = MR x NR/4 accumulators + NR/4
// B vectors + the MR broadcasts (LLVM issues a k step's loads first, so all
// of them are live at once) + one product: 15 for 4x8 and 2x16, exactly
// V8's 15 allocatable xmm registers on x64; the larger tiles are for ARM's
// 32 (they spill on x64, and the probe passes them over there).
const WasmKernel kWasmKernels[] = {
    {"4x8r", 4, 8, true, rows_4x8, "4x8, A rows read in place, load32_splat"},
    {"4x8", 4, 8, false, packed<4, 2, 1, false>, "4x8, packed A, load32_splat"},
    {"4x8s", 4, 8, false, packed<4, 2, 1, true>, "4x8, packed A, shuffle broadcasts"},
    {"2x16", 2, 16, false, packed<2, 4, 1, false>, "2x16, packed A, load32_splat"},
    {"6x8", 6, 8, false, packed<6, 2, 1, false>, "6x8, packed A, load32_splat"},
    {"3x16", 3, 16, false, packed<3, 4, 1, false>, "3x16, packed A, load32_splat"},
    {"8x8s", 8, 8, false, packed<8, 2, 1, true>, "8x8, packed A, shuffle broadcasts"},
    {"8x8u2", 8, 8, false, packed<8, 2, 2, false>, "8x8, packed A, load32_splat, k unrolled x2"},
    {"4x16", 4, 16, false, packed<4, 4, 1, false>, "4x16, packed A, load32_splat"},
};
const int kWasmKernelCount = sizeof(kWasmKernels) / sizeof(kWasmKernels[0]);

}  // namespace nope

#endif
