// The findings of docs/science.md, reproduced on the real model: the adjacency
// pattern and 1/t variance of a randomly initialised causal NoPE model, their
// absence under a bidirectional mask, and what position probes recover.
#include <catch2/catch.hpp>

#include <cstring>

#include "analysis/analyze.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

static Config random_init(AttentionMask mask, PosEncoding pe = PosEncoding::none, double std = 0.02) {
  Config c = random_init_config(64, 4, 2, 256);
  c.model.attention = mask;
  c.model.pos_encoding = pe;
  c.model.init.std = std;
  c.task.train_len = 16;
  c.task.test_len = 16;
  return c;
}

static const SiteResult& site(const AnalysisResult& r, int layer, Site s) {
  for (const SiteResult& x : r.sites)
    if (x.layer == layer && x.site == s) return x;
  FAIL("site not analysed");
  return r.sites[0];
}

static const ProbeResult& probe(const AnalysisResult& r, int layer, Site s, ProbeFeatures f) {
  for (const ProbeEntry& p : r.probes)
    if (p.layer == layer && p.site == s && p.features == f) return p.result;
  FAIL("probe not run");
  return r.probes[0].result;
}

static AnalysisResult run(const Config& c, bool probes = true) {
  Trainer tr = fresh_trainer(c);
  AnalysisRequest req;
  req.batch = 64;
  req.length = 32;
  req.probes = probes;
  return analyze(tr.model, c.task, req);
}

TEST_CASE("random-init causal NoPE: adjacency ~ 1 and variance slope ~ -1 at attn_out", "[analysis][science]") {
  const AnalysisResult r = run(random_init(AttentionMask::causal), false);
  const SiteResult& s = site(r, 0, Site::attn_out);
  CHECK(s.similarity.adjacency_chance == Approx(2.0 / 32));
  CHECK(s.similarity.adjacency_score > 0.9);
  CHECK(s.variance_slope == Approx(-1.0).margin(0.1));
  REQUIRE(s.theory.size() == 32);
  // Chi et al.'s sigma^4 d^2 / t, within a factor of 1.5 at every position.
  for (int t = 0; t < 32; t++) {
    CHECK(s.variance[t] / s.theory[t] > 0.67);
    CHECK(s.variance[t] / s.theory[t] < 1.5);
  }
  // Token embeddings carry no order.
  CHECK(site(r, 0, Site::embed).similarity.adjacency_score < 0.15);
}

TEST_CASE("random-init bidirectional NoPE: adjacency at chance, flat variance", "[analysis][science]") {
  const AnalysisResult r = run(random_init(AttentionMask::bidirectional), false);
  const SiteResult& s = site(r, 0, Site::attn_out);
  CHECK(s.similarity.adjacency_score < 2.5 * s.similarity.adjacency_chance);
  CHECK(std::abs(s.variance_slope) < 0.05);
}

TEST_CASE("large-sigma init weakens the adjacency pattern", "[analysis][science]") {
  const AnalysisResult r = run(random_init(AttentionMask::causal, PosEncoding::none, 0.125), false);
  const double score = site(r, 0, Site::attn_out).similarity.adjacency_score;
  CHECK(score < 0.5);
  CHECK(score > 2 * (2.0 / 32));
}

TEST_CASE("probes: PE embeddings give position exactly, bidirectional NoPE gives nothing", "[analysis][science]") {
  // Sinusoidal table (amplitude 1) over small token embeddings: exact.
  const ProbeResult& sin = probe(run(random_init(AttentionMask::causal, PosEncoding::sinusoidal)), 0, Site::embed,
                                 ProbeFeatures::hidden);
  CHECK(sin.mad < 0.5);
  CHECK(sin.r2 > 0.99);
  // Learned vectors at init are as large as the token vectors they are added
  // to, so a linear read-out is partial (training makes it exact), but far
  // better than nothing.
  const ProbeResult& learned = probe(run(random_init(AttentionMask::causal, PosEncoding::learned)), 0, Site::embed,
                                     ProbeFeatures::hidden);
  CHECK(learned.mad < 0.75 * learned.mad_constant);
  const AnalysisResult r = run(random_init(AttentionMask::bidirectional));
  for (int l = 0; l < 2; l++)
    for (Site s : {Site::attn_out, Site::resid_post}) {
      const ProbeResult& p = probe(r, l, s, ProbeFeatures::hidden);
      CHECK(p.mad > 0.9 * p.mad_constant);
    }
  // While the causal model's attention output carries position.
  const AnalysisResult rc = run(random_init(AttentionMask::causal));
  const ProbeResult& pc = probe(rc, 0, Site::attn_out, ProbeFeatures::cosine);
  CHECK(pc.mad < 0.6 * pc.mad_constant);
}

TEST_CASE("zero query/key weights give exactly uniform causal attention", "[analysis]") {
  Config c = random_init(AttentionMask::causal);
  Trainer tr = fresh_trainer(c);
  const int C = c.model.d_model;
  for (LayerParams& p : tr.model.layers) {
    std::memset(p.qkvw, 0, sizeof(real) * 2 * C * C);  // q and k rows of c_attn
    std::memset(p.qkvb, 0, sizeof(real) * 2 * C);
  }
  AnalysisRequest req;
  req.batch = 4;
  req.length = 8;
  req.probes = false;
  analyze(tr.model, c.task, req);
  const real* att = model_attention(tr.model, 0);
  for (int bh = 0; bh < 4 * 4; bh++)
    for (int i = 0; i < 8; i++)
      for (int j = 0; j < 8; j++)
        REQUIRE(att[((size_t)bh * 8 + i) * 8 + j] == Approx(j <= i ? 1.0 / (i + 1) : 0.0).margin(1e-7));
}
