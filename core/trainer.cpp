#include "trainer.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "budget.h"
#include "error.h"

namespace nope {

void trainer_init(Trainer& tr, const Config& cfg) {
  config_check_budget(cfg);
  tr.cfg = cfg;
  tr.step = 0;
  const int V = task_vocab(cfg.task);
  const int maxT = task_seq_len(cfg.task, cfg.task.test_len);
  model_build(tr.model, cfg.model, V, maxT);
  model_init(tr.model, cfg.train.seed);
  adamw_init(tr.opt, tr.model);
  tr.data_rng = rng_stream(cfg.train.seed, kStreamTrainData);
}

uint64_t batch_hash(const Batch& b) {
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](int v) {
    for (int k = 0; k < 4; k++) {
      h ^= (uint64_t)((uint32_t)v >> (8 * k)) & 0xff;
      h *= 0x100000001b3ull;
    }
  };
  for (int v : b.tokens) mix(v);
  for (int v : b.targets) mix(v);
  return h;
}

std::string batch_hash_hex(uint64_t h) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
  return hex;
}

void accuracy_of_last_forward(const Model& m, double* token_acc, double* seq_acc) {
  long tok_ok = 0, tok_n = 0, seq_ok = 0, seq_n = 0;
  for (int b = 0; b < m.B; b++) {
    bool all = true, any = false;
    for (int t = 0; t < m.T; t++) {
      const int i = b * m.T + t;
      const int target = m.targets[i];
      if (target < 0) continue;
      const real* l = m.logits + (size_t)i * m.V;
      int best = 0;
      for (int v = 1; v < m.V; v++)
        if (l[v] > l[best]) best = v;
      any = true;
      tok_n++;
      if (best == target) tok_ok++;
      else all = false;
    }
    if (any) {
      seq_n++;
      if (all) seq_ok++;
    }
  }
  if (token_acc) *token_acc = tok_n ? double(tok_ok) / tok_n : 0.0;
  if (seq_acc) *seq_acc = seq_n ? double(seq_ok) / seq_n : 0.0;
}

StepMetrics trainer_step(Trainer& tr, int n) {
  StepMetrics sm;
  const TrainConfig& tc = tr.cfg.train;
  for (int i = 0; i < n; i++) {
    const TaskConfig& task = tr.cfg.task;
    const int n = task.vary_length ? 1 + (int)rng_below(tr.data_rng, (uint32_t)task.train_len) : task.train_len;
    task_batch(tr.batch, task, n, tc.batch_size, tr.data_rng);
    model_zero_grad(tr.model);
    const double loss = model_forward(tr.model, tr.batch.tokens.data(), tr.batch.targets.data(),
                                     tr.batch.B, tr.batch.T);
    if (!std::isfinite(loss))
      throw Error("training diverged at step " + std::to_string(tr.step + 1) + ": loss is " +
                  (std::isnan(loss) ? "NaN" : "infinite") + " (try a lower train.lr or a smaller model.init.std)");
    model_backward(tr.model);
    const double norm = grad_norm(tr.model);
    if (!std::isfinite(norm))
      throw Error("training diverged at step " + std::to_string(tr.step + 1) +
                  ": gradient norm is not finite (try a lower train.lr)");
    const double lr = lr_schedule(tr.step, tc.steps, tc.warmup, tc.lr);
    adamw_update(tr.opt, tr.model, lr, tc.weight_decay, clip_factor(norm, tc.clip));
    tr.step++;
    sm.step = tr.step;
    sm.loss = loss;
    sm.lr = lr;
    sm.grad_norm = norm;
  }
  if (n > 0) {
    accuracy_of_last_forward(tr.model, &sm.token_acc, nullptr);
    sm.batch_hash = batch_hash(tr.batch);
  } else {
    sm.step = tr.step;
  }
  return sm;
}

EvalResult evaluate(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples) {
  EvalResult r;
  r.length = n;
  r.seq_len = task_seq_len(task, n);
  // Its own stream per length: evaluation never shifts the training data and
  // gives the same examples for the same (seed, length) everywhere.
  Rng rng = rng_stream(seed * 1000003ull + (uint64_t)n, kStreamEvalData);
  Batch batch;
  constexpr int kChunk = 64;
  double loss_sum = 0, tok_sum = 0, seq_sum = 0;
  long loss_weight = 0;
  int done = 0;
  while (done < examples) {
    const int B = examples - done < kChunk ? examples - done : kChunk;
    task_batch(batch, task, n, B, rng);
    model_forward(m, batch.tokens.data(), batch.targets.data(), batch.B, batch.T);
    double tok = 0, seq = 0;
    accuracy_of_last_forward(m, &tok, &seq);
    loss_sum += double(m.mean_loss) * m.n_loss;
    loss_weight += m.n_loss;
    tok_sum += tok * m.n_loss;
    seq_sum += seq * B;
    done += B;
  }
  r.examples = done;
  r.loss = loss_weight ? loss_sum / loss_weight : 0;
  r.token_acc = loss_weight ? tok_sum / loss_weight : 0;
  r.seq_acc = done ? seq_sum / done : 0;
  return r;
}

EvalResult evaluate_checked(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples) {
  if (n < 1 || n > task.test_len)
    throw Error("length " + std::to_string(n) + " is out of range [1, " + std::to_string(task.test_len) + "]");
  if (examples < 1 || examples > ResultLimits::max_eval_examples)
    throw Error("examples " + std::to_string(examples) + " is out of range [1, " +
                std::to_string(ResultLimits::max_eval_examples) + "]");
  return evaluate(m, task, seed, n, examples);
}

}  // namespace nope
