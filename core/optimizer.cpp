#include "optimizer.h"

#include <algorithm>
#include <cmath>

#include "threads.h"

namespace nope {

// The flat buffers split into fixed chunks for the thread pool; the
// gradient norm sums per-chunk partials in chunk order, so it is the same
// for any thread count.
constexpr size_t kChunk = 16384;

void adamw_init(AdamW& opt, const Model& model) {
  opt.t = 0;
  opt.m.assign(model.params.size(), real(0));
  opt.v.assign(model.params.size(), real(0));
}

void adamw_update(AdamW& opt, Model& model, double lr, double wd, real grad_scale) {
  opt.t++;
  // Same arithmetic as torch.optim.AdamW (decoupled decay applied first,
  // bias corrections folded into the step size and the denominator), so a
  // step can be checked against PyTorch and by hand.
  const double bc1 = 1.0 - std::pow(opt.beta1, (double)opt.t);
  const double bc2 = 1.0 - std::pow(opt.beta2, (double)opt.t);
  const real step_size = real(lr / bc1);
  const real inv_sqrt_bc2 = real(1.0 / std::sqrt(bc2));
  const real b1 = real(opt.beta1), b2 = real(opt.beta2), eps = real(opt.eps);
  const real decay_on = real(1.0 - lr * wd);
  const size_t total = model.params.size();
  // Chunks of the flat buffer; a chunk walks the tensors it overlaps (laid
  // out in order) for their decay flag.
  parallel_for(num_chunks((long)total, (long)kChunk), [&, b1, b2, eps, step_size, inv_sqrt_bc2, grad_scale](int task) {
    // The scalars are copies (captured by value above): a float captured by
    // reference may alias the arrays, which keeps the loop from vectorising.
    const size_t c0 = (size_t)task * kChunk, c1 = std::min(total, c0 + kChunk);
    for (const ParamTensor& p : model.tensors) {
      const size_t s = std::max(c0, p.offset), e = std::min(c1, p.offset + p.size);
      if (s >= e) continue;
      real* w = model.params.data();
      const real* g = model.grads.data();
      real* m = opt.m.data();
      real* v = opt.v.data();
      const real decay = p.decay ? decay_on : real(1);
      for (size_t i = s; i < e; i++) {
        // (the clipped gradient rounds as it did when stored back: same bits)
        const real gi = g[i] * grad_scale;
        m[i] = b1 * m[i] + (real(1) - b1) * gi;
        v[i] = b2 * v[i] + (real(1) - b2) * gi * gi;
        w[i] = w[i] * decay - step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + eps);
      }
    }
  });
}

double lr_schedule(int step, int total, int warmup, double peak) {
  if (warmup > 0 && step < warmup) return peak * (step + 1) / warmup;
  const double min_lr = 0.1 * peak;
  if (total <= warmup) return peak;
  double progress = double(step - warmup) / double(total - warmup);
  if (progress > 1) progress = 1;
  return min_lr + 0.5 * (peak - min_lr) * (1.0 + std::cos(M_PI * progress));
}

double grad_norm(const Model& model) {
  const real* grads = model.grads.data();
  const size_t total = model.grads.size();
  const int chunks = num_chunks((long)total, (long)kChunk);
  // Per calling thread, grown only: a warm step allocates nothing.
  static NOPE_THREAD_LOCAL std::vector<double> partial;
  if ((int)partial.size() < chunks) partial.resize(chunks);
  double* part = partial.data();  // (a task on a worker would see its own thread_local)
  parallel_for(chunks, [&](int task) {
    const size_t c0 = (size_t)task * kChunk, c1 = std::min(total, c0 + kChunk);
    // kLanes interleaved sums, added in lane order at the end: a fixed
    // order that vectorises (one sequential sum did not, 0.6% of a step).
    constexpr int kLanes = 8;
    double lane[kLanes] = {};
    size_t i = c0;
    for (; i + kLanes <= c1; i += kLanes)
      for (int l = 0; l < kLanes; l++) lane[l] += double(grads[i + l]) * double(grads[i + l]);
    double sq = 0;
    for (int l = 0; l < kLanes; l++) sq += lane[l];
    for (; i < c1; i++) sq += double(grads[i]) * double(grads[i]);
    part[task] = sq;
  });
  double sq = 0;
  for (int c = 0; c < chunks; c++) sq += part[c];
  return std::sqrt(sq);
}

real clip_factor(double norm, double max_norm) {
  return max_norm > 0 && norm > max_norm && std::isfinite(norm) ? real(max_norm / (norm + 1e-6)) : real(1);
}

}  // namespace nope
