// AdamW over the flat parameter buffer, with a warmup + cosine learning-rate
// schedule and global gradient-norm clipping. Weight decay applies to
// matrices only (ParamTensor::decay): decaying gains, biases and the
// normalized-position vector would pull LayerNorm towards zero and is what
// nanoGPT and GPT-2 avoid too.
#pragma once
#include <vector>

#include "model.h"

namespace nope {

struct AdamW {
  double beta1 = 0.9, beta2 = 0.95, eps = 1e-8;
  long t = 0;             // updates taken
  RealVec m, v;  // same layout as Model::params
};

void adamw_init(AdamW& opt, const Model& model);
// One update with learning rate lr and decoupled weight decay wd, from the
// gradients times grad_scale (clip_factor: clipping rides along with the
// update instead of rewriting every gradient in a pass of its own).
void adamw_update(AdamW& opt, Model& model, double lr, double wd, real grad_scale = 1);
// Learning rate at `step` (0-based) for `total` steps: linear warmup then
// cosine decay to 10% of the peak.
double lr_schedule(int step, int total, int warmup, double peak);
// Global L2 norm of the gradients.
double grad_norm(const Model& model);
// The factor that scales gradients of norm `norm` down to max_norm: 1 when
// the norm is within it, not finite, or max_norm <= 0 (clipping disabled).
real clip_factor(double norm, double max_norm);

}  // namespace nope
