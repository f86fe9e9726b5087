#include "bench.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "analysis/analyze.h"
#include "bench_peak.h"
#include "gemm.h"
#include "model.h"
#include "ops.h"
#include "optimizer.h"
#include "rng.h"

namespace nope {

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The fastest of `rounds` runs of f, in ms: the run least disturbed by the
// rest of the machine, for micro-benchmarks that measure a peak.
template <class F>
double best_ms(int rounds, F f) {
  double best = 1e300;
  for (int round = 0; round < rounds; round++) {
    const double t0 = now_ms();
    f();
    best = std::min(best, now_ms() - t0);
  }
  return best;
}

struct BenchRun {
  Model m;
  AdamW opt;
  std::vector<int> tokens, targets;
  int B = 0, T = 0;

  explicit BenchRun(const BenchModel& bm) : B(bm.B), T(bm.T) {
    ModelConfig c;
    c.d_model = bm.C;
    c.n_layers = bm.L;
    c.n_heads = bm.NH;
    c.d_ff = bm.F;
    model_build(m, c, bm.V, bm.T);
    model_init(m, 1);
    adamw_init(opt, m);
    Rng r = rng_seed(2);
    tokens.resize((size_t)bm.B * bm.T);
    targets.resize(tokens.size());
    for (size_t i = 0; i < tokens.size(); i++) {
      tokens[i] = (int)rng_below(r, bm.V);
      targets[i] = (int)rng_below(r, bm.V);
    }
  }

  void step() {
    model_zero_grad(m);
    model_forward(m, tokens.data(), targets.data(), B, T);
    model_backward(m);
    adamw_update(opt, m, 1e-3, 0.1, clip_factor(grad_norm(m), 1.0));
  }
};

}  // namespace

double bench_step_gflop(const BenchModel& bm) {
  const double N = (double)bm.B * bm.T, C = bm.C, F = bm.F;
  // Each linear layer: forward, dX and dW, 2 * N * in * out FLOPs each.
  const double linear = 6 * N * (3 * C * C + C * C + 2 * C * F) * bm.L + 6 * N * C * bm.V;
  // Attention per (batch, head): six products of rows x keys x head size
  // (scores, mix, datt, dq, and dv, dk over the same blocks seen by key).
  double row_keys = 0;
  for (int i0 = 0; i0 < bm.T; i0 += kAttnRowBlock) {
    const int i1 = std::min(bm.T, i0 + kAttnRowBlock);
    row_keys += (double)(i1 - i0) * i1;
  }
  const double attention = 6 * 2 * row_keys * (bm.C / bm.NH) * bm.B * bm.NH * bm.L;
  return (linear + attention) / 1e9;
}

BenchResult bench_training(const BenchModel& bm, int steps) {
  BenchRun run(bm);
  for (int i = 0; i < 3; i++) run.step();
  std::vector<double> times(steps);
  for (double& t : times) {
    const double t0 = now_ms();
    run.step();
    t = now_ms() - t0;
  }
  std::nth_element(times.begin(), times.begin() + steps / 2, times.end());
  const double ms = times[steps / 2];
  return {ms, (double)bm.B * bm.T / ms * 1000.0};
}

double bench_gemm(const BenchGemmShape& s) {
  const int lda = s.trans_a ? s.M : s.K, ldb = s.trans_b ? s.K : s.N;
  std::vector<real> a((size_t)s.M * s.K, real(0.5)), b((size_t)s.K * s.N, real(0.25)), c((size_t)s.M * s.N);
  const double ms = best_ms(5, [&] {
    for (int i = 0; i < s.reps; i++)
      gemm(s.trans_a, s.trans_b, s.M, s.N, s.K, real(1), a.data(), lda, b.data(), ldb, Grad::overwrite, c.data(), s.N);
  });
  return 2.0 * s.M * s.N * (double)s.K * s.reps / (ms * 1e6);
}

BenchGemmKernels bench_gemm_kernels(const BenchGemmShape& s) {
  BenchGemmKernels r;
  r.chosen = gemm_kernel_for_shape(s.trans_a, s.trans_b, s.M, s.N, s.K);
  if (r.chosen.empty()) {  // class not probed yet: one product probes it
    bench_gemm(BenchGemmShape{s.name, s.trans_a, s.trans_b, s.M, s.N, s.K, 1});
    r.chosen = gemm_kernel_for_shape(s.trans_a, s.trans_b, s.M, s.N, s.K);
  }
  r.candidates = gemm_time_kernels(s.trans_a, s.trans_b, s.M, s.N, s.K, s.reps, 3);
  return r;
}

SimdPeak bench_simd_peak() {
  // Opaque inputs, so that the compiler cannot fold the chains away.
  volatile float seed = 0.5f, mul = 0.999999f, add = 1e-7f;
  volatile float sink = 0;
  constexpr long kIters = 2000000;
  const double ms = best_ms(7, [&] { sink = sink + simd_chains(kIters, seed, mul, add); });
  const int lanes = simd_lanes();
  return {lanes, 2.0 * lanes * kSimdChains * (double)kIters / (ms * 1e6)};
}

AnalysisBench bench_analysis(int repeats) {
  const BenchModel bm{"analysis", 128, 4, 4, 512, 256, 16, 32, 1};
  BenchRun run(bm);
  TaskConfig task;
  task.vocab_size = 29;  // V = 32 with the 3 specials
  AnalysisRequest req;
  req.batch = bm.B;
  req.length = bm.T;
  req.probes = false;
  req.equivariance = false;  // its own forward pass of 20 sequences; the README's figures are without it
  run.step();
  analyze(run.m, task, req);
  // A step and an analysis in alternation, medians of each: a burst of load
  // on a shared machine hits both sides of the ratio.
  std::vector<double> step_ms, analysis_ms;
  for (int i = 0; i < repeats; i++) {
    double t0 = now_ms();
    run.step();
    step_ms.push_back(now_ms() - t0);
    t0 = now_ms();
    analyze(run.m, task, req);
    analysis_ms.push_back(now_ms() - t0);
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  AnalysisBench r;
  r.train_step_ms = median(step_ms);
  r.analysis_ms = median(analysis_ms);
  return r;
}

}  // namespace nope
