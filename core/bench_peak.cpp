// The arithmetic ceiling of this build's float SIMD: independent chains of
// acc = acc * m + c held in registers, no memory traffic. The same source
// compiles to the widest vectors the target has (wasm simd128 and SSE2: 4
// lanes; AVX: 8; AVX-512: 16). This file is built with -ffp-contract=fast, so
// where the ISA has FMA each chain step is one fused instruction (2 flops a
// lane), as in Eigen's GEMM; wasm SIMD has no FMA and issues a multiply and
// an add. GEMM GFLOP/s over this figure is how close a product gets to what
// the machine can do in this build.
#include "bench_peak.h"

namespace nope {

namespace {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;  // SSE2, wasm simd128
#endif
typedef float vecf __attribute__((vector_size(kLanes * sizeof(float))));

}  // namespace

int simd_lanes() { return kLanes; }

// 12 chains: enough to cover the multiply-add latency on the cores we run
// on, and few enough (12 accumulators + m + c) that V8 keeps them all in
// its 15 allocatable xmm registers.
static_assert(kSimdChains == 12, "the loop below writes out 12 chains");

__attribute__((noinline)) float simd_chains(long iters, float seed, float mul, float add) {
  const vecf m = vecf{} + mul, c = vecf{} + add;
  vecf a0 = vecf{} + seed, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5;
  vecf a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
  for (long i = 0; i < iters; i++) {
    a0 = a0 * m + c, a1 = a1 * m + c, a2 = a2 * m + c, a3 = a3 * m + c;
    a4 = a4 * m + c, a5 = a5 * m + c, a6 = a6 * m + c, a7 = a7 * m + c;
    a8 = a8 * m + c, a9 = a9 * m + c, a10 = a10 * m + c, a11 = a11 * m + c;
  }
  const vecf s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
  float r = 0;
  for (int l = 0; l < kLanes; l++) r += s[l];
  return r;
}

}  // namespace nope
