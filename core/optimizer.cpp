#include "optimizer.h"

#include <algorithm>
#include <cmath>

#include "threads.h"
#include "vec.h"

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
  parallel_for(num_chunks((long)total, (long)kChunk), [&](int task) {
    const size_t c0 = (size_t)task * kChunk, c1 = std::min(total, c0 + kChunk);
    const vreal vb1 = vsplat(b1), vb2 = vsplat(b2), omb1 = vsplat(real(1) - b1), omb2 = vsplat(real(1) - b2);
    const vreal veps = vsplat(eps), vstep = vsplat(step_size), vinv = vsplat(inv_sqrt_bc2);
    const vreal vscale = vsplat(grad_scale);
    for (const ParamTensor& p : model.tensors) {
      const size_t s = std::max(c0, p.offset), e = std::min(c1, p.offset + p.size);
      if (s >= e) continue;
      const vreal vdecay = vsplat(p.decay ? decay_on : real(1));
      // One element per lane, the same operations in every lane (and in the
      // zero-padded copy of the last partial vector, RowTail), so the bits do
      // not depend on where an element falls. w, m and v are updated in place.
      auto update = [&](vreal& w, vreal g, vreal& m, vreal& v) {
        // (the clipped gradient rounds as it did when stored back: same bits)
        const vreal gi = g * vscale;
        m = vb1 * m + omb1 * gi;
        v = vb2 * v + omb2 * gi * gi;
        vreal decayed = w * vdecay;
        // The scalar update this replaces did not fuse this product into
        // the subtraction below (the square root's errno branch stood
        // between them); fusing it would change every weight's bits.
        vopaque(decayed);
        w = decayed - vstep * m / (vsqrt(v) * vinv + veps);
      };
      real* w = model.params.data() + s;
      const real* g = model.grads.data() + s;
      real* m = opt.m.data() + s;
      real* v = opt.v.data() + s;
      const RowTail tail((int)(e - s), (int)(e - s));
      for (int i = 0; i < tail.full; i += kLanes) {
        vreal wi = vload(w + i), mi = vload(m + i), vi = vload(v + i);
        update(wi, vload(g + i), mi, vi);
        vstore(w + i, wi), vstore(m + i, mi), vstore(v + i, vi);
      }
      if (!tail.rest) continue;
      alignas(64) real pad[kLanes];
      vreal wi = tail.load(w, pad), mi = tail.load(m, pad), vi = tail.load(v, pad);
      update(wi, tail.load(g, pad), mi, vi);
      tail.store(w, wi, pad), tail.store(m, mi, pad), tail.store(v, vi, pad);
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
    // kSums interleaved sums, added in order at the end: a fixed order that
    // vectorises (one sequential sum did not, 0.6% of a step). Not vec.h's
    // kLanes: this order must not depend on the build's vector width.
    constexpr int kSums = 8;
    double lane[kSums] = {};
    size_t i = c0;
    for (; i + kSums <= c1; i += kSums)
      for (int l = 0; l < kSums; l++) lane[l] += double(grads[i + l]) * double(grads[i + l]);
    double sq = 0;
    for (int l = 0; l < kSums; l++) sq += lane[l];
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
