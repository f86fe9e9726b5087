// nopelab bench: training throughput of the fixed models in core/bench.h
// (the same ones bench/pytorch_bench.py and bench/wasm_bench.mjs run), the
// GEMM on model B's product shapes against this build's SIMD ceiling, and the
// cost of a full positional analysis against one training step.
#include <cstdio>

#include "bench.h"
#include "cli_common.h"
#include "commands.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab bench [--steps N] [--json]\n"
    "\n"
    "Model A: d_model 64, 2 layers, 4 heads, d_ff 256, T 64, batch 16, vocab 32.\n"
    "Model B: d_model 128, 4 layers, 4 heads, d_ff 512, T 128, batch 16, vocab 32.\n"
    "Prints ms/step (median of N steps) and tokens/s for each (forward, backward, clip,\n"
    "AdamW; one thread); GFLOP/s of the matrix products of a model-B step against the\n"
    "float SIMD ceiling of this build (independent multiply-add chains in registers);\n"
    "then the time of a full analysis (every site, no probes) of a 4-layer d_model 128\n"
    "model at T 256, batch 16, next to one training step of that model.\n"
    "bench/compare.sh runs the PyTorch reference and the wasm build in the same run.\n";

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"steps"}, {"json"});
  nlohmann::json models = nlohmann::json::array();
  for (const BenchModel& bm : kBenchModels) {
    const int steps = a.get_int("steps", bm.default_steps, 1, 100000);
    const BenchResult r = bench_training(bm, steps);
    models.push_back({{"model", bm.name}, {"d_model", bm.C}, {"n_layers", bm.L}, {"n_heads", bm.NH}, {"d_ff", bm.F},
                      {"T", bm.T}, {"batch", bm.B}, {"vocab", bm.V}, {"steps", steps}, {"ms_per_step", r.ms_per_step},
                      {"tokens_per_s", r.tokens_per_s}});
    if (!a.flag("json"))
      std::printf("model %s (d%d L%d H%d T%d B%d): %8.2f ms/step  %10.0f tokens/s\n", bm.name, bm.C, bm.L, bm.NH,
                  bm.T, bm.B, r.ms_per_step, r.tokens_per_s);
  }
  const SimdPeak peak = bench_simd_peak();
  if (!a.flag("json"))
    std::printf("SIMD ceiling (%d float lanes, multiply-add chains): %6.1f GFLOP/s\n", peak.lanes, peak.gflops);
  nlohmann::json gemms = nlohmann::json::array();
  for (const BenchGemmShape& shape : kBenchGemmShapes) {
    const double gflops = bench_gemm(shape);
    gemms.push_back({{"shape", shape.name}, {"gflops", gflops}});
    if (!a.flag("json"))
      std::printf("  gemm %-30s %6.1f GFLOP/s  (%3.0f%% of the ceiling)\n", shape.name, gflops,
                  100 * gflops / peak.gflops);
  }
  const AnalysisBench ab = bench_analysis(3);
  if (!a.flag("json"))
    std::printf("analysis (d128 L4 T256 B16, all sites): %8.2f ms  vs one training step %8.2f ms (%.2fx)\n",
                ab.analysis_ms, ab.train_step_ms, ab.analysis_ms / ab.train_step_ms);
  else
    std::puts(nlohmann::json{{"native", models},
                             {"simd_peak", {{"lanes", peak.lanes}, {"gflops", peak.gflops}}},
                             {"gemm", gemms},
                             {"analysis", {{"analysis_ms", ab.analysis_ms}, {"train_step_ms", ab.train_step_ms}}}}
                  .dump(2)
                  .c_str());
  return 0;
}

}  // namespace nope::cli
