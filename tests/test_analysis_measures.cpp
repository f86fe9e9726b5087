// The analysis measures on cases small enough to compute by hand, plus the
// uniform-attention law built directly from Gaussian value vectors.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis/attention_stats.h"
#include "analysis/probe.h"
#include "analysis/seed_stats.h"
#include "analysis/similarity.h"
#include "analysis/variance.h"
#include "rng.h"

using namespace nope;

TEST_CASE("similarity matrix, decay profile and adjacency on hand-made vectors", "[analysis]") {
  // Four 2-d states at angles 0, 30, 60, 180 degrees.
  const double pi = std::acos(-1.0);
  const double ang[4] = {0, pi / 6, pi / 3, pi};
  std::vector<real> h(8);
  for (int t = 0; t < 4; t++) {
    h[2 * t] = real(2 * std::cos(ang[t]));  // lengths differ: cosine ignores them
    h[2 * t + 1] = real(2 * std::sin(ang[t]));
  }
  h[6] *= 3;
  h[7] *= 3;
  double S[16];
  similarity_matrix(S, h.data(), 4, 2);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) CHECK(S[i * 4 + j] == Approx(std::cos(ang[i] - ang[j])).margin(1e-6));
  double decay[4];
  decay_profile(decay, S, 4);
  CHECK(decay[0] == Approx(1.0));
  CHECK(decay[1] == Approx((std::cos(pi / 6) + std::cos(pi / 6) + std::cos(2 * pi / 3)) / 3).margin(1e-6));
  CHECK(decay[3] == Approx(-1.0).margin(1e-6));
  // Row 0 -> 1, row 1 -> 0 (tie with 2 goes to the lowest j), row 2 -> 1,
  // row 3 -> 2 (cos 120 > cos 150 > cos 180): all neighbours.
  CHECK(adjacency_hits(S, 4) == 4);
  CHECK(adjacency_chance(4) == Approx(0.5));
  CHECK(adjacency_chance(32) == Approx(2.0 / 32));

  // Swap the order so row 0's nearest is two steps away.
  double P[9] = {1, 0.1, 0.9, 0.1, 1, 0.2, 0.9, 0.2, 1};
  CHECK(adjacency_hits(P, 3) == 1);  // only row 1 (nearest 2) is adjacent

  SimilaritySummary sum;
  similarity_summary(sum, h.data(), 1, 4, 2);
  CHECK(sum.adjacency_score == 1.0);
  CHECK(sum.mean_similarity[1] == Approx(std::cos(pi / 6)).margin(1e-6));
}

TEST_CASE("similarity matrix over several Gram row blocks matches direct cosines", "[analysis]") {
  // T = 150 spans three row blocks of the lower-triangle product (the last
  // one partial) and the mirrored upper triangle.
  const int T = 150, C = 5;
  std::vector<real> h((size_t)T * C);
  Rng r = rng_seed(8);
  for (real& x : h) x = real(rng_normal(r));
  std::vector<double> S((size_t)T * T);
  similarity_matrix(S.data(), h.data(), T, C);
  for (int i = 0; i < T; i++)
    for (int j = 0; j < T; j++) {
      double dot = 0, ni = 0, nj = 0;
      for (int c = 0; c < C; c++) {
        dot += double(h[i * C + c]) * h[j * C + c];
        ni += double(h[i * C + c]) * h[i * C + c];
        nj += double(h[j * C + c]) * h[j * C + c];
      }
      REQUIRE(S[(size_t)i * T + j] == Approx(dot / std::sqrt(ni * nj)).margin(1e-5));
    }
}

TEST_CASE("batch adjacency score equals adjacency_hits per sequence, ties included", "[analysis]") {
  // States from a 3-symbol alphabet in 2 dimensions repeat often, so rows
  // hold exact ties: the batch path (row maxima) must break them like
  // adjacency_hits (lowest j).
  const int B = 20, T = 9, C = 2;
  std::vector<real> h((size_t)B * T * C);
  Rng r = rng_seed(4);
  for (real& x : h) x = real(int(rng_below(r, 3)) - 1);
  long hits = 0;
  std::vector<double> S((size_t)T * T);
  for (int b = 0; b < B; b++) {
    similarity_matrix(S.data(), h.data() + (size_t)b * T * C, T, C);
    hits += adjacency_hits(S.data(), T);
  }
  SimilaritySummary s;
  similarity_summary(s, h.data(), B, T, C);
  CHECK(s.adjacency_score == Approx(double(hits) / (B * T)));
  CHECK(hits > 0);
  CHECK(hits < B * T);
}

TEST_CASE("zero vectors have similarity 0, and 1 with themselves", "[analysis]") {
  const real h[4] = {0, 0, 1, 0};
  double S[4];
  similarity_matrix(S, h, 2, 2);
  CHECK(S[0] == 1);
  CHECK(S[1] == 0);
  CHECK(S[2] == 0);
}

TEST_CASE("variance profile and log-log slope", "[analysis]") {
  // Position t holds (+a, -a): population variance a^2.
  const real h[6] = {1, -1, 2, -2, 3, -3};
  double v[3];
  variance_profile(v, h, 1, 3, 2);
  CHECK(v[0] == Approx(1));
  CHECK(v[1] == Approx(4));
  CHECK(v[2] == Approx(9));
  CHECK(loglog_slope(v, 3) == Approx(2.0));
  double inv[50];
  for (int t = 0; t < 50; t++) inv[t] = 3.0 / (t + 1);
  CHECK(loglog_slope(inv, 50) == Approx(-1.0));
  double th[4];
  variance_theory(th, 0.1, 10, 4);
  CHECK(th[0] == Approx(1e-4 * 100));
  CHECK(th[3] == Approx(1e-4 * 100 / 4));
}

TEST_CASE("attention maps and mean attention distance", "[analysis]") {
  // One head, T = 3: row 0 attends to 0; row 1 half/half; row 2 all on 0.
  const real att[9] = {1, 0, 0, 0.5, 0.5, 0, 1, 0, 0};
  AttentionSummary s;
  attention_summary(s, att, 1, 1, 3);
  CHECK(s.mean_distance[0] == Approx((0 + 0.5 + 2) / 3.0));
  CHECK(s.maps[3] == Approx(0.5));
}

TEST_CASE("seed statistics: mean and t-based 95% interval", "[analysis]") {
  const SeedStats s = seed_stats({1, 2, 3, 4});
  CHECK(s.mean == Approx(2.5));
  CHECK(s.sd == Approx(std::sqrt(5.0 / 3)));
  CHECK(s.ci == Approx(3.182 * std::sqrt(5.0 / 3) / 2));
  CHECK(seed_stats({7}).ci == 0);
}

TEST_CASE("position probe: exact on linear features, nothing from noise", "[analysis]") {
  const int B = 40, T = 16, C = 8;
  std::vector<real> h((size_t)B * T * C);
  Rng r = rng_seed(5);
  for (real& x : h) x = real(rng_normal(r));
  const ProbeResult noise = position_probe(h.data(), B, T, C, ProbeFeatures::hidden, 1);
  CHECK(noise.mad_baseline == Approx((16.0 * 16 - 1) / 48));
  CHECK(noise.mad > 0.9 * noise.mad_constant);
  CHECK(noise.r2 < 0.1);
  // Put the position into one coordinate (plus the noise elsewhere).
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) h[((size_t)b * T + t) * C + 3] = real(0.5 * t - 2);
  const ProbeResult lin = position_probe(h.data(), B, T, C, ProbeFeatures::hidden, 1);
  CHECK(lin.mad < 0.01);
  CHECK(lin.r2 > 0.999);
  CHECK(lin.predicted[10] == Approx(10).margin(0.01));
}

TEST_CASE("uniform causal averaging: cos(o_i, o_j) = sqrt(i/j), Var ~ 1/t", "[analysis][science]") {
  // o_t = (1/t) sum_{n<=t} v_n with iid N(0, 1) values: exactly what a first
  // layer with zero attention logits computes (docs/science.md).
  const int B = 64, T = 16, C = 512;
  std::vector<real> o((size_t)B * T * C);
  Rng r = rng_seed(9);
  std::vector<double> sum(C);
  for (int b = 0; b < B; b++) {
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int t = 0; t < T; t++)
      for (int c = 0; c < C; c++) {
        sum[c] += rng_normal(r);
        o[((size_t)b * T + t) * C + c] = real(sum[c] / (t + 1));
      }
  }
  SimilaritySummary s;
  similarity_summary(s, o.data(), B, T, C);
  for (int i = 1; i <= T; i += 3)
    for (int j = i; j <= T; j += 4)
      CHECK(s.mean_similarity[(size_t)(i - 1) * T + (j - 1)] == Approx(std::sqrt(double(i) / j)).margin(0.02));
  CHECK(s.adjacency_score == 1.0);
  std::vector<double> v(T);
  variance_profile(v.data(), o.data(), B, T, C);
  for (int t = 0; t < T; t++) CHECK(v[t] * (t + 1) == Approx(1.0).margin(0.05));
  CHECK(loglog_slope(v.data(), T) == Approx(-1.0).margin(0.03));
}
