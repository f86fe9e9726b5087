#include "optimizer.h"

#include <cmath>

namespace nope {

void adamw_init(AdamW& opt, const Model& model) {
  opt.t = 0;
  opt.m.assign(model.params.size(), real(0));
  opt.v.assign(model.params.size(), real(0));
}

void adamw_update(AdamW& opt, Model& model, double lr, double wd) {
  opt.t++;
  // Same arithmetic as torch.optim.AdamW (decoupled decay applied first,
  // bias corrections folded into the step size and the denominator), so a
  // step can be checked against PyTorch and by hand.
  const double bc1 = 1.0 - std::pow(opt.beta1, (double)opt.t);
  const double bc2 = 1.0 - std::pow(opt.beta2, (double)opt.t);
  const real step_size = real(lr / bc1);
  const real inv_sqrt_bc2 = real(1.0 / std::sqrt(bc2));
  const real b1 = real(opt.beta1), b2 = real(opt.beta2), eps = real(opt.eps);
  for (const ParamTensor& p : model.tensors) {
    real* w = model.params.data() + p.offset;
    const real* g = model.grads.data() + p.offset;
    real* m = opt.m.data() + p.offset;
    real* v = opt.v.data() + p.offset;
    const real decay = p.decay ? real(1.0 - lr * wd) : real(1);
    for (size_t i = 0; i < p.size; i++) {
      m[i] = b1 * m[i] + (real(1) - b1) * g[i];
      v[i] = b2 * v[i] + (real(1) - b2) * g[i] * g[i];
      w[i] = w[i] * decay - step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
    }
  }
}

double lr_schedule(int step, int total, int warmup, double peak) {
  if (warmup > 0 && step < warmup) return peak * (step + 1) / warmup;
  const double min_lr = 0.1 * peak;
  if (total <= warmup) return peak;
  double progress = double(step - warmup) / double(total - warmup);
  if (progress > 1) progress = 1;
  return min_lr + 0.5 * (peak - min_lr) * (1.0 + std::cos(M_PI * progress));
}

double clip_grad_norm(Model& model, double max_norm) {
  double sq = 0;
  for (real g : model.grads) sq += double(g) * double(g);
  const double norm = std::sqrt(sq);
  if (max_norm > 0 && norm > max_norm && std::isfinite(norm)) {
    const real s = real(max_norm / (norm + 1e-6));
    for (real& g : model.grads) g *= s;
  }
  return norm;
}

}  // namespace nope
