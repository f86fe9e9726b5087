// nopelab bench: training throughput of fixed models (the same two the
// PyTorch reference in bench/pytorch_bench.py runs), forward + backward +
// clip + AdamW on random tokens, timed after a warm-up.
#include <chrono>
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab bench [--steps N] [--json]\n"
    "\n"
    "Model A: d_model 64, 2 layers, 4 heads, d_ff 256, T 64, batch 16, vocab 32.\n"
    "Model B: d_model 128, 4 layers, 4 heads, d_ff 512, T 128, batch 16, vocab 32.\n"
    "Each step is forward + backward + clip + AdamW on random tokens, one thread.\n"
    "After 3 warm-up steps, times N steps (default 200 for A, 30 for B) and prints\n"
    "ms/step and tokens/s for each; --json prints {\"native\": [...]} instead.\n";

struct BenchModel {
  const char* name;
  int C, L, NH, F, T, B, V, default_steps;
};

static const BenchModel kModels[] = {{"A", 64, 2, 4, 256, 64, 16, 32, 200}, {"B", 128, 4, 4, 512, 128, 16, 32, 30}};

struct BenchResult {
  double ms_per_step, tokens_per_s;
};

static BenchResult bench_training(const BenchModel& bm, int steps) {
  ModelConfig c;
  c.d_model = bm.C;
  c.n_layers = bm.L;
  c.n_heads = bm.NH;
  c.d_ff = bm.F;
  Model m;
  model_build(m, c, bm.V, bm.T);
  model_init(m, 1);
  AdamW opt;
  adamw_init(opt, m);
  Rng r = rng_seed(2);
  std::vector<int> tokens((size_t)bm.B * bm.T), targets(tokens.size());
  for (size_t i = 0; i < tokens.size(); i++) {
    tokens[i] = (int)rng_below(r, bm.V);
    targets[i] = (int)rng_below(r, bm.V);
  }
  auto step = [&] {
    model_zero_grad(m);
    model_forward(m, tokens.data(), targets.data(), bm.B, bm.T);
    model_backward(m);
    clip_grad_norm(m, 1.0);
    adamw_update(opt, m, 1e-3, 0.1);
  };
  for (int i = 0; i < 3; i++) step();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; i++) step();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {1000.0 * s / steps, (double)bm.B * bm.T * steps / s};
}

int cmd_bench(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"steps"}, {"json"});
  nlohmann::json out = nlohmann::json::array();
  for (const BenchModel& bm : kModels) {
    const int steps = a.get_int("steps", bm.default_steps, 1, 100000);
    const BenchResult r = bench_training(bm, steps);
    out.push_back({{"model", bm.name}, {"d_model", bm.C}, {"n_layers", bm.L}, {"n_heads", bm.NH}, {"d_ff", bm.F},
                   {"T", bm.T}, {"batch", bm.B}, {"vocab", bm.V}, {"steps", steps}, {"ms_per_step", r.ms_per_step},
                   {"tokens_per_s", r.tokens_per_s}});
    if (!a.flag("json"))
      std::printf("model %s (d%d L%d H%d T%d B%d): %8.2f ms/step  %10.0f tokens/s\n", bm.name, bm.C, bm.L, bm.NH,
                  bm.T, bm.B, r.ms_per_step, r.tokens_per_s);
  }
  if (a.flag("json")) std::puts(nlohmann::json{{"native", out}}.dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
