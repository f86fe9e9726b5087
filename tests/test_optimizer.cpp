// AdamW, the learning-rate schedule and gradient clipping against values
// computed by hand (torch.optim.AdamW's arithmetic, betas 0.9/0.95, eps 1e-8).
#include <catch2/catch.hpp>

#include <cmath>

#include "model.h"
#include "optimizer.h"
#include "small_models.h"

using namespace nope;

static Model tiny_model() {
  Model m;
  model_build(m, model_sizes(8, 2, 1, 8), 4, 4);
  return m;
}

TEST_CASE("adamw matches hand-computed steps, decaying matrices only", "[optimizer]") {
  Model m = tiny_model();
  AdamW opt;
  adamw_init(opt, m);
  std::fill(m.params.begin(), m.params.end(), real(0.5));
  const double grads[3] = {0.1, -0.2, 0.05};
  // p_t by hand: decoupled decay p *= 1 - lr*wd, then
  // p -= lr/(1-b1^t) * m_t / (sqrt(v_t)/sqrt(1-b2^t) + eps)
  const double decayed[3] = {0.4895000009999999, 0.4926442402757031, 0.49352382739692174};
  const double plain[3] = {0.4900000009999999, 0.4936337402767031, 0.4950059716381975};
  const ParamTensor* w = model_find_tensor(m, "h.0.attn.c_attn.weight");
  const ParamTensor* b = model_find_tensor(m, "h.0.attn.c_attn.bias");
  const ParamTensor* g = model_find_tensor(m, "h.0.ln_1.weight");
  REQUIRE(w->decay);
  REQUIRE(!b->decay);
  REQUIRE(!g->decay);
  for (int t = 0; t < 3; t++) {
    std::fill(m.grads.begin(), m.grads.end(), real(grads[t]));
    adamw_update(opt, m, 0.01, 0.1);
    CHECK(m.params[w->offset] == Approx(decayed[t]).epsilon(1e-6));
    CHECK(m.params[b->offset] == Approx(plain[t]).epsilon(1e-6));
    CHECK(m.params[g->offset] == Approx(plain[t]).epsilon(1e-6));
  }
  CHECK(opt.t == 3);
}

TEST_CASE("lr schedule: linear warmup then cosine to 10% of peak", "[optimizer]") {
  CHECK(lr_schedule(0, 100, 10, 1e-3) == Approx(1e-4));
  CHECK(lr_schedule(4, 100, 10, 1e-3) == Approx(5e-4));
  CHECK(lr_schedule(9, 100, 10, 1e-3) == Approx(1e-3));
  CHECK(lr_schedule(10, 100, 10, 1e-3) == Approx(1e-3));
  CHECK(lr_schedule(55, 100, 10, 1e-3) == Approx(5.5e-4));
  CHECK(lr_schedule(99, 100, 10, 1e-3) == Approx(1.0027412784140692e-4));
  CHECK(lr_schedule(150, 100, 10, 1e-3) == Approx(1e-4));
  CHECK(lr_schedule(0, 100, 0, 1e-3) == Approx(1e-3));
}

TEST_CASE("gradient clipping scales to the max norm inside the update", "[optimizer]") {
  Model m = tiny_model();
  std::fill(m.grads.begin(), m.grads.end(), real(0));
  m.grads[0] = 3;
  m.grads[1] = 4;
  CHECK(grad_norm(m) == Approx(5.0));
  CHECK(clip_factor(5.0, 1.0) == Approx(0.2).epsilon(1e-5));
  // Within the threshold, not finite, or clipping disabled: no scaling.
  CHECK(clip_factor(5.0, 10.0) == 1);
  CHECK(clip_factor(std::nan(""), 1.0) == 1);
  CHECK(clip_factor(5.0, 0) == 1);
  // The update with a factor equals the update on gradients scaled first,
  // bit for bit (the trainer's checkpoints did not change with the fusion).
  Model scaled = tiny_model();
  scaled.grads = m.grads;
  const real s = clip_factor(grad_norm(m), 1.0);
  for (real& g : scaled.grads) g *= s;
  AdamW a, b;
  adamw_init(a, m);
  adamw_init(b, scaled);
  adamw_update(a, m, 0.01, 0.1, s);
  adamw_update(b, scaled, 0.01, 0.1);
  CHECK(m.params == scaled.params);
  CHECK(a.m == b.m);
  CHECK(a.v == b.v);
}
