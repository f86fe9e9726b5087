// Thread CPU time of a training step and of the benchmark's analysis
// (core/bench.h: d_model 128, 4 layers, T 256, batch 16, one thread), without
// and with probes, alternating, one line per round. CPU time instead of wall
// time: on a machine shared with other work a thread waits for a core, and
// the wall time measures the queue. Link against a build's core library:
//   g++ -O2 -march=native -std=c++17 -Icore -I/usr/include/eigen3 \
//     -DEIGEN_STACK_ALLOCATION_LIMIT=4194304 bench/analysis_cpu_time.cpp \
//     build/libnopecore.a -lpthread -o /tmp/analysis_cpu_time && /tmp/analysis_cpu_time 3
// (an earlier revision: the same line with its build's libnopecore.a).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

#include "analysis/analyze.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"
#include "threads.h"

using namespace nope;

static double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 3;
  threads_set(1);
  Model m;
  ModelConfig c;
  c.d_model = 128;
  c.n_layers = 4;
  c.n_heads = 4;
  c.d_ff = 512;
  model_build(m, c, 32, 256);
  model_init(m, 1);
  AdamW opt;
  adamw_init(opt, m);
  const int B = 16, T = 256;
  std::vector<int> tokens(B * T), targets(B * T);
  Rng r = rng_seed(2);
  for (size_t i = 0; i < tokens.size(); i++) {
    tokens[i] = (int)rng_below(r, 32);
    targets[i] = (int)rng_below(r, 32);
  }
  TaskConfig task;
  task.vocab_size = 29;
  AnalysisRequest plain;
  plain.batch = B;
  plain.length = T;
  plain.probes = false;
  plain.equivariance = false;
  AnalysisRequest probes = plain;
  probes.probes = true;
  auto step = [&] {
    model_zero_grad(m);
    model_forward(m, tokens.data(), targets.data(), B, T);
    model_backward(m);
    adamw_update(opt, m, 1e-3, 0.1, clip_factor(grad_norm(m), 1.0));
  };
  step();
  analyze(m, task, probes);
  for (int i = 0; i < rounds; i++) {
    const double t0 = cpu_ms();
    step();
    const double t1 = cpu_ms();
    analyze(m, task, plain);
    const double t2 = cpu_ms();
    analyze(m, task, probes);
    const double t3 = cpu_ms();
    std::printf("step %.1f ms, analysis %.1f ms (%.2f of the step), with probes %.1f ms\n", t1 - t0, t2 - t1,
                (t2 - t1) / (t1 - t0), t3 - t2);
  }
}
