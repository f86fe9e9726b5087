// The whole model's gradient against finite differences of the loss, in
// double, for every positional encoding, norm placement, mask, with and
// without biases, tied and untied embeddings.
#include <catch2/catch.hpp>

#include <sstream>

#include "../small_models.h"
#include "gradcheck.h"
#include "model.h"

using namespace nope;
using namespace gradcheck;

namespace {

struct Case {
  PosEncoding pe;
  NormPlacement norm;
  AttentionMask mask;
  bool bias = true;
  bool tie = false;
};

std::string describe(const Case& c) {
  std::ostringstream s;
  s << to_string(c.pe) << "/" << to_string(c.norm) << "/" << to_string(c.mask)
    << (c.bias ? "" : "/nobias") << (c.tie ? "/tied" : "");
  return s.str();
}

void check_model(const Case& cs) {
  INFO(describe(cs));
  ModelConfig cfg = model_sizes(8, 2, 2, 12);
  cfg.pos_encoding = cs.pe;
  cfg.norm = cs.norm;
  cfg.attention = cs.mask;
  cfg.bias = cs.bias;
  cfg.tie_embeddings = cs.tie;
  // T5: few buckets and a short max distance, so T 5 reaches the shared,
  // log-spaced buckets too (causal 2 exact + 2 shared; bidirectional 1 + 1
  // per sign).
  cfg.t5_buckets = 4;
  cfg.t5_max_distance = 3;
  // Large-ish init so attention is far from uniform and every path matters.
  cfg.init.std = 0.4;
  cfg.init.embed_std = 0.8;
  const int V = 7, B = 2, T = 5;
  Model m;
  model_build(m, cfg, V, T);
  model_init(m, 42);
  // Biases and gains away from their init values, so their gradients are
  // exercised in a generic state.
  auto noise = random_vec(m.params.size(), 99, 0.1);
  for (size_t i = 0; i < m.params.size(); i++) m.params[i] += noise[i];

  const int tokens[B * T] = {1, 5, 5, 0, 6, 3, 2, 2, 4, 1};
  const int targets[B * T] = {5, -1, 0, 6, 3, 2, 2, -1, 1, 0};
  model_zero_grad(m);
  model_forward(m, tokens, targets, B, T);
  model_backward(m);
  const std::vector<real> analytic(m.grads.begin(), m.grads.end());
  auto loss = [&] { return model_forward(m, tokens, targets, B, T); };
  const std::vector<real> numeric = numeric_grad(m.params, loss);
  // Per tensor, so a failure names the parameter.
  for (const ParamTensor& p : m.tensors) {
    INFO(p.name);
    std::vector<real> a(analytic.begin() + p.offset, analytic.begin() + p.offset + p.size);
    std::vector<real> n(numeric.begin() + p.offset, numeric.begin() + p.offset + p.size);
    CHECK(normalised_error(a, n) < 1e-6);
  }
}

}  // namespace

TEST_CASE("whole-model gradient matches finite differences", "[grad][model]") {
  const PosEncoding pes[] = {PosEncoding::none, PosEncoding::sinusoidal, PosEncoding::learned,
                             PosEncoding::rope, PosEncoding::alibi, PosEncoding::normalized,
                             PosEncoding::index, PosEncoding::t5_bias};
  const NormPlacement norms[] = {NormPlacement::pre, NormPlacement::post, NormPlacement::none};
  const AttentionMask masks[] = {AttentionMask::causal, AttentionMask::bidirectional};
  for (PosEncoding pe : pes)
    for (NormPlacement norm : norms)
      for (AttentionMask mask : masks) check_model({pe, norm, mask});
  check_model({PosEncoding::none, NormPlacement::pre, AttentionMask::causal, /*bias=*/false});
  check_model({PosEncoding::learned, NormPlacement::post, AttentionMask::causal, /*bias=*/false});
  check_model({PosEncoding::none, NormPlacement::pre, AttentionMask::causal, true, /*tie=*/true});
  check_model({PosEncoding::rope, NormPlacement::none, AttentionMask::bidirectional, false, true});
}

TEST_CASE("gradient is exactly zero when no position carries loss", "[grad][model]") {
  Model m;
  model_build(m, model_sizes(8, 2, 1, 8), 5, 4);
  model_init(m, 1);
  const int tokens[4] = {1, 2, 3, 4};
  const int targets[4] = {-1, -1, -1, -1};
  model_zero_grad(m);
  CHECK(model_forward(m, tokens, targets, 1, 4) == 0.0);
  model_backward(m);
  for (real g : m.grads) REQUIRE(g == 0);
}
