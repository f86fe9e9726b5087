// The probe controls (core/analysis/probe.h): the past-only and first-token
// cosine features never read a later state, and the landmark baseline reads
// position off landmark tokens and off nothing else.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis/analyze.h"
#include "analysis/probe.h"
#include "rng.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

static std::vector<real> gaussian(size_t n, uint64_t seed) {
  Rng r = rng_seed(seed);
  std::vector<real> v(n);
  for (real& x : v) x = (real)rng_normal(r);
  return v;
}

static bool same_or_both_nan(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

TEST_CASE("cosine_past and cosine_first rows use no later state; cosine does", "[analysis][probe]") {
  const int T = 12, C = 8;
  const std::vector<real> h = gaussian((size_t)T * C, 3);
  for (ProbeFeatures f : {ProbeFeatures::cosine_past, ProbeFeatures::cosine_first, ProbeFeatures::cosine}) {
    const std::vector<double> base = probe_features_of(h.data(), T, C, f);
    const size_t D = base.size() / T;
    for (int changed = 1; changed < T; changed++) {
      std::vector<real> g = h;
      for (int c = 0; c < C; c++) g[(size_t)changed * C + c] += real(1.5);
      const std::vector<double> moved = probe_features_of(g.data(), T, C, f);
      bool earlier_rows_equal = true;
      for (int t = 0; t < changed; t++)
        for (size_t k = 0; k < D; k++) earlier_rows_equal &= same_or_both_nan(base[t * D + k], moved[t * D + k]);
      INFO(to_string(f) << ": state " << changed << " changed");
      if (f == ProbeFeatures::cosine) CHECK_FALSE(earlier_rows_equal);  // the full row looks ahead
      else CHECK(earlier_rows_equal);
    }
  }
  // Missing entries: every entry at t = 0; for cosine_past also r >= t.
  const std::vector<double> past = probe_features_of(h.data(), T, C, ProbeFeatures::cosine_past);
  for (int t = 0; t < T; t++)
    for (int r = 0; r < T; r++) CHECK(std::isnan(past[t * T + r]) == (r >= t));
  const std::vector<double> first = probe_features_of(h.data(), T, C, ProbeFeatures::cosine_first);
  CHECK(std::isnan(first[0]));
  CHECK(first[2] == Approx(past[1 * T + 0]));  // cos(h_1, h_0) both ways
}

TEST_CASE("the landmark probe reads landmark tokens and nothing else", "[analysis][probe]") {
  const int B = 60, T = 16;
  Rng r = rng_seed(4);
  std::vector<int> random(B * T), bos(B * T), labels(B * T);
  for (int i = 0; i < B * T; i++) {
    random[i] = (int)rng_below(r, 50);
    bos[i] = i % T == 0 ? 50 : random[i];
    labels[i] = i % T;  // a token that names its position
  }
  const ProbeResult none = position_probe_tokens(random.data(), B, T, 1);
  const ProbeResult landmark = position_probe_tokens(bos.data(), B, T, 1);
  const ProbeResult exact = position_probe_tokens(labels.data(), B, T, 1);
  CHECK(none.mad > 0.9 * none.mad_constant);  // random tokens carry no position
  CHECK(landmark.mad < none.mad);             // <bos> marks position 0
  CHECK(landmark.mad > 0.5 * landmark.mad_constant);
  CHECK(exact.mad < 0.05);
}

TEST_CASE("analysis: every probe entry carries the landmark MAD; the five feature sets run", "[analysis][probe]") {
  Config c = random_init_config(32, 4, 1, 64);
  c.task.train_len = 16;
  c.task.test_len = 16;
  Trainer tr = fresh_trainer(c);
  AnalysisRequest req;
  req.batch = 40;
  req.length = 24;
  req.sites = {Site::attn_out};
  const AnalysisResult a = analyze(tr.model, c.task, req);
  REQUIRE(a.probes.size() == size_t(kNumProbeFeatures));
  for (const ProbeEntry& p : a.probes) {
    INFO(to_string(p.features) << " mad " << p.result.mad << " landmark " << p.result.mad_landmark);
    CHECK(p.result.mad_landmark == a.probes[0].result.mad_landmark);
    CHECK(p.result.mad_landmark > 0.8 * p.result.mad_constant);  // random tokens: no landmark
    CHECK(std::isfinite(p.result.mad));
  }
  // At small sigma the causal first layer's past-only cosines and its cosine
  // to the first token still carry some position, less than the full row,
  // which also sees the future.
  auto mad = [&](ProbeFeatures f) {
    for (const ProbeEntry& p : a.probes)
      if (p.features == f) return p.result.mad;
    return -1.0;
  };
  const double constant = a.probes[0].result.mad_constant;
  CHECK(mad(ProbeFeatures::cosine_past) < 0.97 * constant);
  CHECK(mad(ProbeFeatures::cosine_first) < 0.97 * constant);
  CHECK(mad(ProbeFeatures::cosine) < mad(ProbeFeatures::cosine_past));
}
