// The set-up most tests share: a model's four sizes on top of ModelConfig's
// defaults, a trainer initialised from a config, and the random-init NoPE
// model the analysis tests probe.
#pragma once
#include "config.h"
#include "trainer.h"

namespace nope {

inline ModelConfig model_sizes(int d_model, int n_heads, int n_layers, int d_ff) {
  ModelConfig m;
  m.d_model = d_model;
  m.n_heads = n_heads;
  m.n_layers = n_layers;
  m.d_ff = d_ff;
  return m;
}

inline Trainer fresh_trainer(const Config& c) {
  Trainer tr;
  trainer_init(tr, c);
  return tr;
}

// A causal NoPE model at its default init (std 0.02) over a 256-token
// vocabulary: with few distinct tokens the prefix mean converges to the
// vocabulary mean and the variance stops falling.
inline Config random_init_config(int d_model, int n_heads, int n_layers, int d_ff) {
  Config c;
  c.model = model_sizes(d_model, n_heads, n_layers, d_ff);
  c.task.vocab_size = 256;
  return c;
}

}  // namespace nope
