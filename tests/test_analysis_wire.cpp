// The analysis wire layout the web app reads (core/analysis/wire.h): every
// slice of every flat array is the measure it claims to be, for a subset of
// layers and sites as well as for the full analysis.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "analysis/wire.h"
#include "error.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;
using json = nlohmann::json;

static Trainer small_trainer() {
  Config c;
  c.model = model_sizes(16, 2, 2, 32);
  c.task.train_len = 6;
  c.task.test_len = 8;
  c.train.seed = 5;
  return fresh_trainer(c);
}

static void check_slice(const std::vector<float>& flat, size_t k, const std::vector<double>& want) {
  REQUIRE(flat.size() >= (k + 1) * want.size());
  for (size_t i = 0; i < want.size(); i++) CHECK(flat[k * want.size() + i] == float(want[i]));
}

TEST_CASE("analysis wire: every slice is the measure its metadata names", "[analysis][wire]") {
  Trainer tr = small_trainer();
  AnalysisRequest req = analysis_request_from_json({{"batch", 8}, {"layers", {1, 0}}, {"sites", {"attn_out", "embed"}}});
  const AnalysisResult r = analyze(tr.model, tr.cfg.task, req);
  const AnalysisWire w = analysis_wire(r, 42);
  const size_t T = r.T, S = r.sites.size();
  REQUIRE(S == 4);
  CHECK(w.meta["T"] == r.T);
  CHECK(w.meta["step"] == 42);
  CHECK(w.meta["n_heads"] == 2);
  CHECK(w.similarity.size() == S * T * T);
  CHECK(w.variance.size() == S * T);
  CHECK(w.decay.size() == S * T);
  CHECK(w.theory.size() == S * T);
  REQUIRE(w.meta["site_order"].size() == S);
  for (size_t k = 0; k < S; k++) {
    const SiteResult& x = r.sites[k];
    CHECK(w.meta["site_order"][k] == json({{"layer", x.layer}, {"site", to_string(x.site)}}));
    check_slice(w.similarity, k, x.similarity.mean_similarity);
    check_slice(w.variance, k, x.variance);
    check_slice(w.decay, k, x.similarity.decay);
    if (x.theory.empty()) {
      for (size_t i = 0; i < T; i++) CHECK(w.theory[k * T + i] == 0.0f);
    } else {
      check_slice(w.theory, k, x.theory);
    }
  }
  // Layers in the order the request named them; attention (L, NH, T, T).
  CHECK(w.meta["layer_order"] == json({1, 0}));
  REQUIRE(w.attention.size() == 2 * 2 * T * T);
  for (size_t l = 0; l < 2; l++) check_slice(w.attention, l, r.attention[l].summary.maps);
  // Probes: metadata without predictions, predictions (P, T) in their own array.
  REQUIRE(w.meta["probes"].size() == r.probes.size());
  REQUIRE(w.probe_predicted.size() == r.probes.size() * T);
  for (size_t p = 0; p < r.probes.size(); p++) {
    CHECK_FALSE(w.meta["probes"][p].contains("predicted"));
    CHECK(w.meta["probes"][p]["mad"] == r.probes[p].result.mad);
    check_slice(w.probe_predicted, p, r.probes[p].result.predicted);
  }
  for (const char* name : kAnalysisArrays) CHECK(analysis_wire_array(w, name) != nullptr);
  CHECK(analysis_wire_array(w, "nope") == nullptr);
}

TEST_CASE("analysis wire: no attention, no probes gives empty arrays", "[analysis][wire]") {
  Trainer tr = small_trainer();
  const AnalysisWire w =
      analysis_wire_for_request(tr.model, tr.cfg.task, tr.cfg.train.seed, 0, {{"attention", false}, {"probes", false}});
  CHECK(w.attention.empty());
  CHECK(w.probe_predicted.empty());
  CHECK(w.meta["layer_order"].empty());
  CHECK(w.meta["n_heads"] == 0);
  CHECK(w.meta["site_order"].size() == 2 * kNumSites);
  CHECK(w.demo_original_permuted.empty());
  CHECK(w.demo_permuted_input.empty());
  // Equivariance is a scalar per site in the metadata.
  CHECK(w.meta["layers"][0]["sites"]["attn_out"]["equivariance"].is_number());
}

TEST_CASE("analysis wire: the permutation demo's matrices (S, T, C) in site order", "[analysis][wire]") {
  Trainer tr = small_trainer();
  const AnalysisRequest req = analysis_request_from_json(
      {{"batch", 2}, {"probes", false}, {"layers", {1}}, {"sites", {"resid_post", "embed"}}, {"permutation_demo", true}});
  const AnalysisResult r = analyze(tr.model, tr.cfg.task, req);
  const AnalysisWire w = analysis_wire(r, 0);
  const size_t T = r.T, C = tr.cfg.model.d_model;
  REQUIRE(w.demo_original_permuted.size() == 2 * T * C);
  REQUIRE(w.demo_permuted_input.size() == 2 * T * C);
  for (size_t k = 0; k < 2; k++)
    for (size_t i = 0; i < T * C; i++) {
      CHECK(w.demo_original_permuted[k * T * C + i] == r.demo.original_permuted[k][i]);
      CHECK(w.demo_permuted_input[k * T * C + i] == r.demo.permuted_input[k][i]);
    }
  CHECK(w.meta["permutation_demo"]["permutation"].size() == T);
  CHECK(w.meta["permutation_demo"]["sites"][1]["site"] == "embed");
  CHECK_FALSE(w.meta["permutation_demo"]["sites"][0].contains("original_permuted"));  // in the arrays
}

TEST_CASE("analysis wire: the request's seed defaults to the run's", "[analysis][wire]") {
  Trainer tr = small_trainer();
  const AnalysisWire a = analysis_wire_for_request(tr.model, tr.cfg.task, 5, 0, json::object());
  const AnalysisWire b = analysis_wire_for_request(tr.model, tr.cfg.task, 99, 0, {{"seed", 5}});
  const AnalysisWire c = analysis_wire_for_request(tr.model, tr.cfg.task, 5, 0, {{"seed", 6}});
  CHECK(a.similarity == b.similarity);
  CHECK(a.similarity != c.similarity);
  CHECK_THROWS_WITH(analysis_wire_for_request(tr.model, tr.cfg.task, 5, 0, {{"sites", {"nowhere"}}}),
                    Catch::Contains("analysis.sites has \"nowhere\""));
}
