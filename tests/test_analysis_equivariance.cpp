// Permutation equivariance (core/analysis/equivariance.h): the measure on
// hand-made states, then the science on real models: a bidirectional NoPE
// model permutes with its input up to round-off at every layer and site; a
// causal mask or any positional encoding breaks it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/equivariance.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

TEST_CASE("equivariance batch: rows hold the originals, then each permuted", "[analysis][equivariance]") {
  const EquivarianceBatch b = equivariance_batch(50, 7, 3, 2, 11);
  REQUIRE(b.rows() == 9);
  REQUIRE(b.tokens.size() == 9u * 7);
  REQUIRE(b.perms.size() == 6u);
  for (int s = 0; s < 3; s++)
    for (int p = 0; p < 2; p++) {
      const std::vector<int>& perm = b.perms[s * 2 + p];
      std::vector<int> sorted = perm;
      std::sort(sorted.begin(), sorted.end());
      for (int t = 0; t < 7; t++) CHECK(sorted[t] == t);
      for (int t = 0; t < 7; t++) CHECK(b.tokens[(3 + s * 2 + p) * 7 + t] == b.tokens[s * 7 + perm[t]]);
    }
  for (int x : b.tokens) CHECK((x >= 0 && x < 50));
  // Deterministic from the seed; another seed, other inputs.
  CHECK(equivariance_batch(50, 7, 3, 2, 11).tokens == b.tokens);
  CHECK(equivariance_batch(50, 7, 3, 2, 12).tokens != b.tokens);
  CHECK_THROWS(equivariance_batch(50, 7, 0, 2, 11));
}

TEST_CASE("equivariance deviation on hand-made states", "[analysis][equivariance]") {
  // h0 (3, 2); perm = (2, 0, 1); an exactly permuted h1 deviates by 0.
  const std::vector<real> h0 = {1, 0, 0, 2, 3, 4};
  const std::vector<int> perm = {2, 0, 1};
  std::vector<real> h1 = {3, 4, 1, 0, 0, 2};
  CHECK(equivariance_pair(h0.data(), h1.data(), perm, 3, 2) == 0);
  // Unpermuted (what a position-bound model might give): |h0 - P h0| / |h0|.
  // P h0 = (3,4, 1,0, 0,2); h0 - P h0 = (-2,-4, -1,2, 3,2): 4+16+1+4+9+4 = 38; |h0|^2 = 30.
  CHECK(equivariance_pair(h0.data(), h0.data(), perm, 3, 2) == Approx(std::sqrt(38.0 / 30.0)));
  // The batch form pools squared norms over pairs.
  EquivarianceBatch b;
  b.sequences = 1;
  b.permutations = 2;
  b.T = 3;
  b.perms = {perm, perm};
  std::vector<real> h = h0;
  h.insert(h.end(), h1.begin(), h1.end());
  h.insert(h.end(), h0.begin(), h0.end());
  CHECK(equivariance_deviation(h.data(), b, 2) == Approx(std::sqrt(38.0 / 60.0)));
  // All-zero states: 0, not NaN.
  const std::vector<real> z(6, 0);
  CHECK(equivariance_pair(z.data(), z.data(), perm, 3, 2) == 0);
}

static Config model(AttentionMask mask, PosEncoding pe) {
  Config c;
  c.model = model_sizes(32, 4, 2, 64);
  c.model.attention = mask;
  c.model.pos_encoding = pe;
  c.model.init.std = 0.2;  // attention far from uniform, so a broken symmetry shows
  c.task.vocab_size = 64;
  c.task.train_len = 16;
  c.task.test_len = 16;
  return c;
}

static AnalysisResult equivariance_of(const Config& c, int T = 20) {
  Trainer tr = fresh_trainer(c);
  AnalysisRequest req;
  req.batch = 4;
  req.length = T;
  req.probes = false;
  req.attention = false;
  return analyze(tr.model, c.task, req);
}

TEST_CASE("bidirectional NoPE is permutation equivariant at every layer and site", "[analysis][equivariance][science]") {
  const AnalysisResult r = equivariance_of(model(AttentionMask::bidirectional, PosEncoding::none));
  REQUIRE(r.equivariance);
  REQUIRE(r.sites.size() == 2u * kNumSites);
  for (const SiteResult& s : r.sites) {
    INFO("layer " << s.layer << " " << to_string(s.site));
    CHECK(s.equivariance >= 0);
    CHECK(s.equivariance <= 1e-5);
  }
}

// Sites before the first attention are token-wise, so they stay equivariant
// unless an encoding is added to the embedding; from layer 0's attention
// output on, a causal mask or any encoding must break the symmetry.
static bool after_first_attention(const SiteResult& s) {
  return s.layer > 0 || (s.site != Site::embed && s.site != Site::norm1);
}

TEST_CASE("a causal mask breaks permutation equivariance", "[analysis][equivariance][science]") {
  const AnalysisResult r = equivariance_of(model(AttentionMask::causal, PosEncoding::none));
  for (const SiteResult& s : r.sites) {
    INFO("layer " << s.layer << " " << to_string(s.site) << " deviation " << s.equivariance);
    if (after_first_attention(s)) CHECK(s.equivariance >= 1e-2);
    else CHECK(s.equivariance <= 1e-6);  // token embeddings alone
  }
}

TEST_CASE("every positional encoding breaks equivariance of a bidirectional model", "[analysis][equivariance][science]") {
  for (PosEncoding pe : {PosEncoding::sinusoidal, PosEncoding::learned, PosEncoding::rope, PosEncoding::alibi,
                         PosEncoding::normalized, PosEncoding::index, PosEncoding::t5_bias}) {
    const Config c = model(AttentionMask::bidirectional, pe);
    const AnalysisResult r = equivariance_of(c);
    // Encodings added to the embedding move even layer 0's input.
    const bool additive = pe != PosEncoding::rope && pe != PosEncoding::alibi && pe != PosEncoding::t5_bias;
    for (const SiteResult& s : r.sites) {
      INFO(to_string(pe) << " layer " << s.layer << " " << to_string(s.site) << " deviation " << s.equivariance);
      if (additive || after_first_attention(s)) CHECK(s.equivariance >= 1e-2);
    }
  }
}

TEST_CASE("equivariance is deterministic from the seed and off on request", "[analysis][equivariance]") {
  const Config c = model(AttentionMask::causal, PosEncoding::none);
  const AnalysisResult a = equivariance_of(c), b = equivariance_of(c);
  for (size_t k = 0; k < a.sites.size(); k++) CHECK(a.sites[k].equivariance == b.sites[k].equivariance);
  Trainer tr = fresh_trainer(c);
  const AnalysisRequest off = analysis_request_from_json({{"equivariance", false}, {"probes", false}, {"batch", 2}});
  const AnalysisResult r = analyze(tr.model, c.task, off);
  CHECK_FALSE(r.equivariance);
  CHECK_FALSE(analysis_to_json(r, false)["layers"][0]["sites"]["attn_out"].contains("equivariance"));
  CHECK(analysis_to_json(a, false)["layers"][0]["sites"]["attn_out"]["equivariance"].get<double>() > 0);
}

TEST_CASE("permutation demo: both matrices of one sequence at every site", "[analysis][equivariance]") {
  for (AttentionMask mask : {AttentionMask::bidirectional, AttentionMask::causal}) {
    const Config c = model(mask, PosEncoding::none);
    Trainer tr = fresh_trainer(c);
    const int T = 6, C = c.model.d_model;
    const std::vector<int> tokens = {5, 9, 1, 33, 2, 60}, perm = {3, 0, 5, 1, 4, 2};
    const nlohmann::json j{{"batch", 2},
                           {"length", T},
                           {"probes", false},
                           {"layers", {1}},
                           {"sites", {"resid_post", "attn_out"}},
                           {"permutation_demo", {{"tokens", tokens}, {"permutation", perm}}}};
    const AnalysisResult r = analyze(tr.model, c.task, analysis_request_from_json(j));
    REQUIRE(r.has_demo);
    CHECK(r.demo.tokens == tokens);
    CHECK(r.demo.permutation == perm);
    REQUIRE(r.demo.original_permuted.size() == 2u);
    // Recompute f(X) directly and check row t of P f(X) is f(X)[perm[t]].
    model_forward(tr.model, tokens.data(), nullptr, 1, T);
    const real* h = model_site(tr.model, 1, r.sites[0].site);
    for (int t = 0; t < T; t++)
      for (int k = 0; k < C; k++) CHECK(r.demo.original_permuted[0][t * C + k] == h[perm[t] * C + k]);
    for (size_t s = 0; s < 2; s++) {
      INFO(to_string(mask) << " site " << to_string(r.sites[s].site) << " deviation " << r.demo.deviation[s]);
      CHECK(r.demo.permuted_input[s].size() == size_t(T * C));
      if (mask == AttentionMask::bidirectional) CHECK(r.demo.deviation[s] <= 1e-5);
      else CHECK(r.demo.deviation[s] >= 1e-2);
    }
    const nlohmann::json out = analysis_to_json(r, true);
    CHECK(out["permutation_demo"]["permutation"] == perm);
    CHECK(out["permutation_demo"]["sites"][0]["original_permuted"].size() == size_t(T));
  }
}

TEST_CASE("permutation demo: bad requests are named errors", "[analysis][equivariance]") {
  const Config c = model(AttentionMask::causal, PosEncoding::none);
  Trainer tr = fresh_trainer(c);
  auto run = [&](const nlohmann::json& demo) {
    analyze(tr.model, c.task, analysis_request_from_json({{"batch", 2}, {"length", 4}, {"probes", false},
                                                          {"permutation_demo", demo}}));
  };
  CHECK_NOTHROW(run(true));
  CHECK_THROWS_WITH(run({{"permutation", {0, 1, 1, 3}}}), Catch::Contains("not a permutation") && Catch::Contains("repeated"));
  CHECK_THROWS_WITH(run({{"permutation", {0, 1, 2}}}), Catch::Contains("expected the analysis length 4"));
  const int V = tr.model.V;
  CHECK_THROWS_WITH(run({{"tokens", {0, 1, 2, V}}}), Catch::Contains("out of range [0, " + std::to_string(V - 1) + "]"));
  CHECK_THROWS_WITH(run({{"order", {0}}}), Catch::Contains("permutation_demo.order: unknown field"));
  CHECK_THROWS_WITH(run(3), Catch::Contains("permutation_demo must be"));
}
