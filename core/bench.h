// Fixed benchmark workloads shared by `nopelab bench` and the wasm module's
// bench entry point, so native, wasm and PyTorch (bench/pytorch_bench.py)
// time exactly the same models.
#pragma once

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
// steps; wall-clock over `steps` steps.
BenchResult bench_training(const BenchModel& bm, int steps);

// Analysis of a 4-layer d_model 128 model at T 256, batch 16, every site,
// similarity + variance + attention (probes off), against one training step
// of the same model. Returns both in milliseconds.
struct AnalysisBench {
  double analysis_ms = 0, train_step_ms = 0;
};
AnalysisBench bench_analysis(int repeats);

}  // namespace nope
