// The analysis's fast paths give the same bits as the plain computations
// they replace: the batch similarity summary from lower triangles against
// full mirrored matrices, and a site that shares its buffer with another
// against measuring it afresh. Runs natively and in wasm (wasm_unit).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "analysis/analyze.h"
#include "analysis/probe_features.h"
#include "analysis/similarity.h"
#include "rng.h"
#include "small_models.h"

using namespace nope;

namespace {

// The plain batch summary: each sequence's full cosine matrix (similarity_matrix,
// rounded to real as the summary keeps it), the full matrices summed in
// `real` in batch order, adjacency_hits on each full matrix.
SimilaritySummary plain_summary(const real* h, int B, int T, int C) {
  SimilaritySummary out;
  out.T = T;
  std::vector<double> S((size_t)T * T), Sr((size_t)T * T);
  std::vector<real> sum((size_t)T * T, real(0));
  long hits = 0;
  for (int b = 0; b < B; b++) {
    similarity_matrix(S.data(), h + (size_t)b * T * C, T, C);
    hits += adjacency_hits(S.data(), T);
    for (size_t k = 0; k < S.size(); k++) sum[k] += real(S[k]);
  }
  out.mean_similarity.resize((size_t)T * T);
  for (size_t k = 0; k < sum.size(); k++) out.mean_similarity[k] = double(sum[k]) / double(B);
  out.decay.assign(T, 0.0);
  decay_profile(out.decay.data(), out.mean_similarity.data(), T);
  out.adjacency_score = T > 1 ? double(hits) / (double(B) * T) : 0.0;
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("similarity summary from lower triangles equals the full-matrix summary bit for bit", "[analysis]") {
  // T spans several Gram row blocks (partial last block); states include
  // zero rows and exact repeats (ties in every row's maximum).
  struct Case {
    int B, T, C;
  };
  for (const Case k : {Case{3, 150, 7}, Case{2, 64, 16}, Case{4, 1, 3}, Case{5, 2, 4}, Case{2, 200, 33}}) {
    std::vector<real> h((size_t)k.B * k.T * k.C);
    Rng r = rng_seed(11 + k.T);
    for (real& x : h) x = real(rng_normal(r));
    if (k.T > 40) {
      std::fill(h.begin() + 5 * k.C, h.begin() + 6 * k.C, real(0));                  // a zero row
      std::copy(h.begin() + 9 * k.C, h.begin() + 10 * k.C, h.begin() + 30 * k.C);    // a repeat
      std::copy(h.begin() + 20 * k.C, h.begin() + 21 * k.C, h.begin() + 22 * k.C);   // a repeat one apart
    }
    SimilaritySummary fast;
    similarity_summary(fast, h.data(), k.B, k.T, k.C);
    const SimilaritySummary plain = plain_summary(h.data(), k.B, k.T, k.C);
    INFO("B " << k.B << " T " << k.T << " C " << k.C);
    CHECK(same_bits(fast.mean_similarity, plain.mean_similarity));
    CHECK(same_bits(fast.decay, plain.decay));
    CHECK(fast.adjacency_score == plain.adjacency_score);
  }
}

TEST_CASE("a site sharing its buffer with another gets the measures of measuring it afresh", "[analysis]") {
  // A block's input is the previous block's output (embed of layer 1 =
  // resid_post of layer 0); after a post-norm, norm1 is the block input.
  for (NormPlacement norm : {NormPlacement::pre, NormPlacement::post}) {
    Config c;
    c.model = model_sizes(32, 2, 2, 64);
    c.model.norm = norm;
    c.task.train_len = 12;
    c.task.test_len = 12;
    Trainer tr = fresh_trainer(c);
    AnalysisRequest req;
    req.batch = 6;
    req.length = 20;
    const AnalysisResult all = analyze(tr.model, c.task, req);
    for (const SiteResult& s : all.sites) {
      AnalysisRequest one = req;
      one.layers = {s.layer};
      one.sites = {s.site};
      const AnalysisResult alone = analyze(tr.model, c.task, one);
      REQUIRE(alone.sites.size() == 1);
      INFO("layer " << s.layer << " site " << to_string(s.site));
      CHECK(same_bits(s.similarity.mean_similarity, alone.sites[0].similarity.mean_similarity));
      CHECK(same_bits(s.similarity.decay, alone.sites[0].similarity.decay));
      CHECK(s.similarity.adjacency_score == alone.sites[0].similarity.adjacency_score);
      CHECK(same_bits(s.variance, alone.sites[0].variance));
      CHECK(s.variance_slope == alone.sites[0].variance_slope);
      CHECK(s.equivariance == alone.sites[0].equivariance);
      for (const ProbeEntry& p : all.probes) {
        if (p.layer != s.layer || p.site != s.site) continue;
        for (const ProbeEntry& q : alone.probes)
          if (q.features == p.features) {
            CHECK(p.result.mad == q.result.mad);
            CHECK(same_bits(p.result.predicted, q.result.predicted));
          }
      }
    }
  }
}

TEST_CASE("past-only cosines are the row dot products of the plain loop, bit for bit", "[analysis]") {
  // T around the vector widths and the reference spacing (T > 32: spaced
  // references); any rows will do (past_cosines takes them as given).
  for (int T : {2, 5, 9, 32, 33, 70}) {
    const int C = 9;
    Eigen::MatrixXd U(T, C);
    Rng r = rng_seed(40 + T);
    for (Eigen::Index i = 0; i < U.size(); i++) U.data()[i] = rng_normal(r);
    std::vector<int> refs;
    const int D = std::min(T, 32);
    for (int k = 0; k < D; k++) refs.push_back(D == T ? k : (int)((long)k * (T - 1) / (D - 1)));
    Eigen::MatrixXd X(T, D);
    past_cosines(X, U, refs);
    INFO("T " << T);
    for (int t = 0; t < T; t++)
      for (int k = 0; k < D; k++) {
        // Products then sums in c order, each rounded on its own (volatile:
        // the test's compiler must not fuse them either).
        volatile double p0 = U(t, 0) * U(refs[k], 0);
        double want = p0;
        for (int c = 1; c < C; c++) {
          volatile double p = U(t, c) * U(refs[k], c);
          want += p;
        }
        const double got = X(t, k);
        INFO("t " << t << " k " << k);
        if (refs[k] < t) REQUIRE(std::memcmp(&got, &want, sizeof got) == 0);
        else REQUIRE(std::isnan(got));
      }
  }
}
