// The project's PRNG: pinned outputs (the cross-platform contract), ranges,
// unbiasedness, the moments of the normal sampler and the accuracy of the
// project-owned log behind it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "rng.h"

using namespace nope;

TEST_CASE("rng outputs are pinned for a seed", "[rng]") {
  // If these change, every seed in every saved URL and preset changes too.
  // The u64 values agree with an independent Python transcription of
  // splitmix64 + xoshiro256** (Blackman & Vigna's reference code).
  Rng r = rng_seed(42);
  const uint64_t a = rng_u64(r), b = rng_u64(r);
  Rng again = rng_seed(42);
  CHECK(rng_u64(again) == a);
  CHECK(rng_u64(again) == b);
  CHECK(a == 1546998764402558742ull);
  CHECK(b == 6990951692964543102ull);
  Rng s = rng_stream(1, kStreamTrainData);
  CHECK(rng_u64(s) == 14687196471268839661ull);
  Rng n = rng_seed(7);
  CHECK(rng_normal(n) == 0.96436185272551833);
}

TEST_CASE("streams are distinct from each other and from the plain seed", "[rng]") {
  const uint64_t streams[] = {kStreamInit, kStreamTrainData, kStreamEvalData, kStreamAnalysis, kStreamProbeSplit};
  std::vector<uint64_t> firsts;
  for (uint64_t seed : {0ull, 1ull, 2ull}) {
    Rng plain = rng_seed(seed);
    firsts.push_back(rng_u64(plain));
    for (uint64_t id : streams) {
      Rng r = rng_stream(seed, id);
      firsts.push_back(rng_u64(r));
    }
  }
  std::sort(firsts.begin(), firsts.end());
  CHECK(std::unique(firsts.begin(), firsts.end()) == firsts.end());
}

TEST_CASE("rng_below is in range and unbiased", "[rng]") {
  Rng r = rng_seed(3);
  const int n = 7, draws = 70000;
  int hist[n] = {0};
  for (int i = 0; i < draws; i++) {
    const uint32_t v = rng_below(r, n);
    REQUIRE(v < (uint32_t)n);
    hist[v]++;
  }
  double chi2 = 0;
  for (int h : hist) chi2 += (h - draws / n) * double(h - draws / n) / (draws / n);
  CHECK(chi2 < 22.5);  // p = 0.001 for 6 degrees of freedom

  for (int i = 0; i < 100; i++) REQUIRE(rng_below(r, 1) == 0u);

  // n = 3 * 2^30 is where a plain `u32 % n` is most biased: the bottom third
  // of the range would come up half the time. Unbiased: a third each.
  const uint32_t big = 3u << 30;
  int thirds[3] = {0};
  const int big_draws = 60000;
  for (int i = 0; i < big_draws; i++) {
    const uint32_t v = rng_below(r, big);
    REQUIRE(v < big);
    thirds[v >> 30]++;
  }
  double chi2_big = 0;
  for (int h : thirds) chi2_big += (h - big_draws / 3.0) * (h - big_draws / 3.0) / (big_draws / 3.0);
  CHECK(chi2_big < 13.8);  // p = 0.001 for 2 degrees of freedom
}

TEST_CASE("rng_uniform is in [0, 1) with 53-bit resolution", "[rng]") {
  Rng r = rng_seed(5), raw = rng_seed(5);
  double mean = 0;
  const int n = 100000;
  for (int i = 0; i < n; i++) {
    const double u = rng_uniform(r);
    REQUIRE((u >= 0.0 && u < 1.0));
    // Exactly the top 53 bits of the u64 scaled by 2^-53.
    REQUIRE(u == std::ldexp((double)(rng_u64(raw) >> 11), -53));
    mean += u;
  }
  CHECK(mean / n == Approx(0.5).margin(0.005));
}

TEST_CASE("normal sampler has the right moments", "[rng]") {
  Rng r = rng_seed(11);
  const int n = 1000000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (int i = 0; i < n; i++) {
    const double x = rng_normal(r);
    m1 += x;
    m2 += x * x;
    m3 += x * x * x;
    m4 += x * x * x * x;
  }
  m1 /= n, m2 /= n, m3 /= n, m4 /= n;
  // Standard errors at 1e6 draws: mean 0.001, var 0.0014, skew 0.0024,
  // kurtosis 0.0049; the bounds are about five of them.
  CHECK(std::abs(m1) < 0.005);
  CHECK(std::abs(m2 - 1) < 0.007);
  CHECK(std::abs(m3) < 0.012);
  CHECK(std::abs(m4 - 3) < 0.025);
}

TEST_CASE("the project's log agrees with std::log", "[rng]") {
  // Here std::log is the reference only; rng_log never calls it.
  double worst = 0;
  Rng r = rng_seed(17);
  auto check = [&](double x) {
    const double want = std::log(x), got = rng_log(x);
    const double rel = want == 0 ? std::abs(got) : std::abs(got - want) / std::abs(want);
    if (rel > worst) worst = rel;
    if (rel > 1e-14) FAIL_CHECK("rng_log(" << x << ") = " << got << ", std::log = " << want);
  };
  // The polar method's domain (0, 1), densely, then near 1 where the log is
  // tiny and cancellation would show, then the whole double range.
  for (int i = 0; i < 200000; i++) check(1 - rng_uniform(r));
  for (int i = 1; i < 2000; i++) {
    check(1 + i * 1e-12);
    check(1 - i * 1e-12);
    check(1 + i * 1e-5);
  }
  for (int e = -1070; e <= 1020; e++) check(std::ldexp(1 + rng_uniform(r), e));
  check(std::numeric_limits<double>::denorm_min());
  check(std::numeric_limits<double>::max());
  CHECK(rng_log(1.0) == 0.0);
  INFO("worst relative error " << worst);
  CHECK(worst < 1e-14);

  CHECK(rng_log(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(rng_log(-1.0)));
  CHECK(std::isnan(rng_log(std::numeric_limits<double>::quiet_NaN())));
  CHECK(rng_log(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
}
