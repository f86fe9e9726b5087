// nopelab bench: training throughput of the fixed models in core/bench.h
// (the same ones bench/pytorch_bench.py and bench/wasm_bench.mjs run), the
// GEMM on model B's product shapes against this build's SIMD ceiling, and the
// cost of a full positional analysis against one training step.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "api.h"
#include "bench.h"
#include "cli_common.h"
#include "commands.h"
#include "threads.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab bench [--steps N] [--rounds R] [--json] [--threads N]\n"
    "\n"
    "Model A: d_model 64, 2 layers, 4 heads, d_ff 256, T 64, batch 16, vocab 32.\n"
    "Model B: d_model 128, 4 layers, 4 heads, d_ff 512, T 128, batch 16, vocab 32.\n"
    "Prints ms/step (median of N steps) and tokens/s for each (forward, backward, clip,\n"
    "AdamW) with one thread and with --threads (default all cores), alternating for R\n"
    "rounds (default 3; medians), and the ratio; GFLOP/s of the matrix products of a\n"
    "model-B step on one thread against the float SIMD ceiling of one core of this\n"
    "build (independent multiply-add chains in registers); then the time of a full\n"
    "analysis (every site, no probes) of a 4-layer d_model 128 model at T 256, batch 16,\n"
    "next to one training step of that model (one thread).\n"
    "bench/compare.sh runs the PyTorch reference and the wasm build in the same run.\n";

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"steps", "rounds"}, {"json"});
  gemm_forced_kernel();  // an unknown NOPELAB_KERNEL is an error before anything runs
  const int threads = threads_count(), rounds = a.get_int("rounds", 3, 1, 100);
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  nlohmann::json models = nlohmann::json::array();
  for (const BenchModel& bm : kBenchModels) {
    const int steps = a.get_int("steps", bm.default_steps, 1, 100000);
    // One thread and `threads` threads in alternating rounds, so that a burst
    // of load on a shared machine hits both sides of the ratio.
    std::vector<double> one, many;
    for (int r = 0; r < rounds; r++) {
      threads_set(1);
      one.push_back(bench_training(bm, steps).ms_per_step);
      threads_set(threads);
      if (threads > 1) many.push_back(bench_training(bm, steps).ms_per_step);
    }
    const double ms1 = median(one), msn = threads > 1 ? median(many) : ms1;
    const double tokens = (double)bm.B * bm.T * 1000.0;
    models.push_back({{"model", bm.name}, {"d_model", bm.C}, {"n_layers", bm.L}, {"n_heads", bm.NH}, {"d_ff", bm.F},
                      {"T", bm.T}, {"batch", bm.B}, {"vocab", bm.V}, {"steps", steps}, {"rounds", rounds},
                      {"ms_per_step", ms1}, {"tokens_per_s", tokens / ms1}, {"threads", threads},
                      {"ms_per_step_threads", msn}, {"tokens_per_s_threads", tokens / msn},
                      {"thread_speedup", ms1 / msn}, {"gflop_per_step", bench_step_gflop(bm)}});
    if (!a.flag("json")) {
      std::printf("model %s (d%d L%d H%d T%d B%d): 1 thread %8.2f ms/step %9.0f tokens/s", bm.name, bm.C, bm.L,
                  bm.NH, bm.T, bm.B, ms1, tokens / ms1);
      if (threads > 1) std::printf(" | %d threads %8.2f ms/step (%.2fx)", threads, msn, ms1 / msn);
      std::printf("\n");
    }
  }
  // The single-core figures below are measured with one thread.
  threads_set(1);
  const SimdPeak peak = bench_simd_peak();
  if (!a.flag("json"))
    std::printf("SIMD ceiling (%d float lanes, multiply-add chains): %6.1f GFLOP/s\n", peak.lanes, peak.gflops);
  // The whole step against the ceiling: its products at the measured
  // one-thread speed (everything else in the step counts as time, not work).
  for (size_t i = 0; i < models.size(); i++) {
    const BenchModel& bm = kBenchModels[i];
    const double ms = models[i]["ms_per_step"].get<double>(), gflop = bench_step_gflop(bm), rate = gflop / (ms / 1000);
    models[i]["step_gflops"] = rate;
    models[i]["step_fraction_of_ceiling"] = rate / peak.gflops;
    if (!a.flag("json"))
      std::printf("  step  model %s: %5.2f GFLOP of products in %7.2f ms = %6.1f GFLOP/s  (%3.0f%% of the ceiling)\n",
                  bm.name, gflop, ms, rate, 100 * rate / peak.gflops);
  }
  // Which micro-kernel each shape ran and every candidate's figure (gemm_choice.h).
  const nlohmann::json gemms = api::bench_gemm_kernels();
  if (!a.flag("json"))
    for (const nlohmann::json& g : gemms) {
      const double gflops = g["gflops"];
      std::printf("  gemm %-30s %6.1f GFLOP/s  (%3.0f%% of the ceiling)  kernel %s\n",
                  g["shape"].get<std::string>().c_str(), gflops, 100 * gflops / peak.gflops,
                  g["kernel"].get<std::string>().c_str());
      if (g["candidates"].size() > 1) {
        std::printf("       every kernel:");
        for (const nlohmann::json& f : g["candidates"])
          std::printf(" %s %.1f (%.0f%%)", f["name"].get<std::string>().c_str(), f["gflops"].get<double>(),
                      100 * f["gflops"].get<double>() / peak.gflops);
        std::printf("\n");
      }
    }
  const nlohmann::json ab = api::bench_analysis(3);
  threads_set(threads);
  const double analysis_ms = ab["analysis_ms"], step_ms = ab["train_step_ms"];
  if (!a.flag("json"))
    std::printf("analysis (d128 L4 T256 B16, all sites): %8.2f ms  vs one training step %8.2f ms (%.2fx)\n",
                analysis_ms, step_ms, analysis_ms / step_ms);
  else
    std::puts(nlohmann::json{{"native", models},
                             {"threads", threads},
                             {"simd_peak", {{"lanes", peak.lanes}, {"gflops", peak.gflops}}},
                             {"gemm", gemms},
                             {"analysis", ab}}
                  .dump(2)
                  .c_str());
  return 0;
}

}  // namespace nope::cli
