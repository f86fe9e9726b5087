// The uniform-averaging prediction of the decay profile
// (core/analysis/decay_theory.h): the formula, and a random-init causal NoPE
// model at small sigma that follows it.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis/analyze.h"
#include "analysis/decay_theory.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

TEST_CASE("decay theory: sqrt(i/j) at rho 0, flatter with a common mean", "[analysis][decay]") {
  const int T = 4;
  double d0[T], d1[T];
  decay_theory(d0, 0.0, T);
  CHECK(d0[0] == 1.0);
  // k = 3: only (1, 4): sqrt(1/4).
  CHECK(d0[3] == Approx(0.5));
  // k = 2: (1, 3) and (2, 4).
  CHECK(d0[2] == Approx((std::sqrt(1.0 / 3) + std::sqrt(2.0 / 4)) / 2));
  decay_theory(d1, 1.0, T);
  CHECK(d1[3] == Approx(std::sqrt((1 + 0.25) / 2.0)));
  for (int k = 1; k < T; k++) CHECK(d1[k] > d0[k]);
  const double gap[T] = {1, 0.5, 0.5, 0.5};
  CHECK(decay_theory_gap(gap, d0, T) == Approx((std::abs(0.5 - d0[1]) + std::abs(0.5 - d0[2]) + 0) / 3));
}

TEST_CASE("decay theory: rho from the states at position 0", "[analysis][decay]") {
  // Two sequences, T = 2, C = 2: position-0 states (1, 1) and (3, 1): mean
  // (2, 1), |mean|^2 = 5, unbiased spread 2; |mu|^2 = 5 - 2/2 = 4: rho = 2.
  const std::vector<real> h = {1, 1, 9, 9, 3, 1, 9, 9};
  CHECK(averaging_rho(h.data(), 2, 2, 2) == Approx(2.0));
}

TEST_CASE("decay theory: a random-init causal NoPE first layer follows it", "[analysis][decay][science]") {
  const Config c = random_init_config(64, 4, 1, 128);
  Trainer tr = fresh_trainer(c);
  AnalysisRequest req;
  req.batch = 64;
  req.length = 32;
  req.probes = false;
  const AnalysisResult r = analyze(tr.model, c.task, req);
  for (const SiteResult& s : r.sites) {
    INFO(to_string(s.site) << " gap " << s.decay_gap << " rho " << s.decay_rho);
    if (s.site != Site::attn_out) {
      CHECK(s.decay_theory.empty());
      continue;
    }
    REQUIRE(s.decay_theory.size() == 32u);
    CHECK(s.decay_gap < 0.02);
  }
  // Task inputs or a bidirectional mask: no prediction.
  req.random_tokens = false;
  for (const SiteResult& s : analyze(tr.model, c.task, req).sites) CHECK(s.decay_theory.empty());
}
