// Step-by-step training of a Model on a Task, driven by the CLI or the UI:
// trainer_step(n) returns metrics after n optimizer steps and stops with a
// clear nope::Error on divergence (non-finite loss or gradients), leaving the
// weights of the last good step intact.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "config.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"
#include "tasks.h"

namespace nope {

struct StepMetrics {
  int step = 0;          // optimizer steps taken so far
  double loss = 0;       // mean training loss of the last step
  double lr = 0;
  double grad_norm = 0;  // before clipping
  double token_acc = 0;  // on the last training batch, target positions only
  // FNV-1a of the last batch's tokens and targets: equal hashes on native
  // and wasm show the training data is bit-identical.
  uint64_t batch_hash = 0;
};

struct EvalResult {
  int length = 0;          // items per example
  int seq_len = 0;         // model T
  double loss = 0;
  double token_acc = 0;    // fraction of target tokens predicted exactly
  double seq_acc = 0;      // fraction of examples with every target exact
  int examples = 0;
};

struct Trainer {
  Config cfg;
  Model model;
  AdamW opt;
  Rng data_rng;
  Batch batch;
  int step = 0;
};

// Builds the model for cfg (vocab and max length from the task) and
// initialises weights with cfg.train.seed. Throws nope::Error on a bad config.
void trainer_init(Trainer& tr, const Config& cfg);
// Takes n optimizer steps; returns the metrics of the last one.
StepMetrics trainer_step(Trainer& tr, int n = 1);
// Evaluates on `examples` fresh examples with n items (deterministic:
// its own RNG stream seeded from the config seed and n).
EvalResult evaluate(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples);
// What one evaluate or step call from outside may ask for (core/api.h).
struct ResultLimits {
  static constexpr int max_eval_examples = 100000;  // examples per evaluated length
  static constexpr int max_steps_per_call = 100000;  // optimizer steps per Session.step
};
// evaluate after checking n against the task and examples against
// ResultLimits (nope::Error names the bad one).
EvalResult evaluate_checked(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples);
uint64_t batch_hash(const Batch& b);
// The hash as 16 hex digits (JSON-safe; a JS number cannot hold 64 bits).
std::string batch_hash_hex(uint64_t h);
// Token and sequence accuracy of the last forward of `m` against targets.
void accuracy_of_last_forward(const Model& m, double* token_acc, double* seq_acc);

}  // namespace nope
