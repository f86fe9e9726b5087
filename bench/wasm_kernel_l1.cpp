// Each wasm GEMM micro-kernel alone (core/gemm_wasm_kernels.cpp) on one K
// block of panels that stay in L1, against the wasm SIMD ceiling
// (core/bench_peak.cpp): what the inner loop V8 generates can do on this CPU
// before any packing, cache or edge cost. Built and run by
// bench/wasm_kernel_code.sh, which also prints V8's code for a kernel.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bench_peak.h"
#include "gemm_wasm_kernels.h"

using namespace nope;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

alignas(16) float g_a[4 * 8 * kWasmKC], g_b[2 * kWasmKC * 16], g_c[8 * 16];

}  // namespace

int main() {
  for (int i = 0; i < 4 * 8 * kWasmKC; i++) g_a[i] = 0.001f * (i % 97);
  for (int i = 0; i < 2 * kWasmKC * 16; i++) g_b[i] = 0.002f * (i % 89);
  // Best of many short windows: the ones the rest of a shared machine left alone.
  volatile float seed = 0.5f, mul = 0.999999f, add = 1e-7f, sink = 0;
  constexpr long kIters = 100000;
  double best = 1e300;
  for (int r = 0; r < 60; r++) {
    const double t0 = now_ms();
    sink = sink + simd_chains(kIters, seed, mul, add);
    best = std::min(best, now_ms() - t0);
  }
  const double peak = 2.0 * simd_lanes() * kSimdChains * kIters / (best * 1e6);
  std::printf("wasm SIMD ceiling %.1f GFLOP/s\n", peak);
  constexpr int kCalls = 1000;
  for (int q = 0; q < kWasmKernelCount; q++) {
    const WasmKernel& k = kWasmKernels[q];
    double t = 1e300;
    for (int r = 0; r < 40; r++) {
      const double t0 = now_ms();
      for (int i = 0; i < kCalls; i++)
        k.fn(kWasmKC, g_a + (i & 3) * k.mr * kWasmKC, kWasmKC, g_b + (i & 1) * kWasmKC * k.nr, g_c, 16, 1.0f, true,
             k.mr, k.nr);
      t = std::min(t, now_ms() - t0);
    }
    const double gflops = 2.0 * k.mr * k.nr * kWasmKC * kCalls / (t * 1e6);
    std::printf("  %-6s %5.1f GFLOP/s %4.0f%% of the ceiling  %s\n", k.name, gflops, 100 * gflops / peak, k.what);
  }
  return 0;
}
