// Fixed benchmark workloads shared by `nopelab bench` and the wasm module's
// bench entry point, so native, wasm and PyTorch (bench/pytorch_bench.py)
// time exactly the same models.
#pragma once
#include <string>
#include <vector>

#include "gemm_choice.h"

namespace nope {

struct BenchModel {
  const char* name;
  int C, L, NH, F, T, B, V;
  int default_steps;
};

// A: d_model 64, 2 layers, 4 heads, d_ff 256, T 64, batch 16, vocab 32.
// B: d_model 128, 4 layers, 4 heads, d_ff 512, T 128, batch 16, vocab 32.
constexpr BenchModel kBenchModels[] = {{"A", 64, 2, 4, 256, 64, 16, 32, 200},
                                       {"B", 128, 4, 4, 512, 128, 16, 32, 30}};

struct BenchResult {
  double ms_per_step = 0, tokens_per_s = 0;
};

// Forward + backward + clip + AdamW on fixed random tokens, after 3 warm-up
// steps; the median of `steps` timed steps (robust to a shared machine's
// stalls).
BenchResult bench_training(const BenchModel& bm, int steps);

// GFLOP of the matrix products in one training step of bm as the core runs
// them (forward, input and weight gradients of every linear layer and the
// head; the six attention products over the causal row blocks): the work
// that a step at the SIMD ceiling would take this many ms per GFLOP for.
double bench_step_gflop(const BenchModel& bm);

// The matrix products of a model-B training step (every nope::gemm call has
// one of these forms), to time the GEMM where it matters.
struct BenchGemmShape {
  const char* name;
  bool trans_a, trans_b;
  int M, N, K, reps;
};
constexpr BenchGemmShape kBenchGemmShapes[] = {
    {"fc      x W^T  (2048x512x128)", false, true, 2048, 512, 128, 2},
    {"fc dX   dY W   (2048x128x512)", false, false, 2048, 128, 512, 2},
    {"fc dW   dY^T x (512x128x2048)", true, false, 512, 128, 2048, 2},
    {"scores  Q K^T  (128x128x32)", false, true, 128, 128, 32, 64},
    {"mix     P V    (128x32x128)", false, false, 128, 32, 128, 64},
    {"dV      P^T dO (128x32x128)", true, false, 128, 32, 128, 64}};

// GFLOP/s of nope::gemm on one shape: the best of 5 rounds of `reps` products.
double bench_gemm(const BenchGemmShape& s);

// The micro-kernel nope::gemm runs on this shape (in the wasm build: the one
// its shape class chose, probing it first if need be) and every candidate's
// GFLOP/s on it (gemm_choice.h; natively the one kernel).
struct BenchGemmKernels {
  std::string chosen;
  std::vector<KernelFigure> candidates;
};
BenchGemmKernels bench_gemm_kernels(const BenchGemmShape& s);

// The float SIMD arithmetic ceiling of this build (bench_peak.cpp): vector
// width in lanes and GFLOP/s.
struct SimdPeak {
  int lanes = 0;
  double gflops = 0;
};
SimdPeak bench_simd_peak();

// Analysis of a 4-layer d_model 128 model at T 256, batch 16, every site,
// similarity + variance + attention (probes off), against one training step
// of the same model, alternating (after one of each as a warm-up). Returns
// the median of `repeats` of each, in milliseconds.
struct AnalysisBench {
  double analysis_ms = 0, train_step_ms = 0;
};
AnalysisBench bench_analysis(int repeats);

}  // namespace nope
