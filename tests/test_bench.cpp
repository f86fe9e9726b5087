// The FLOP count behind `nopelab bench`'s "% of the ceiling" for a whole
// step: checked against a count by hand, so the figure means what it says.
#include <catch2/catch.hpp>

#include "bench.h"

using namespace nope;

TEST_CASE("a model-B step is 10.72 GFLOP of matrix products", "[bench]") {
  // Linear layers: 6 N (12 C^2 when d_ff = 4C) per layer, plus the head:
  // N = 16 * 128 = 2048, C = 128: 6 * 2048 * 196608 * 4 + 6 * 2048 * 128 * 32.
  const double linear = 6.0 * 2048 * 196608 * 4 + 6.0 * 2048 * 128 * 32;
  // Attention: causal row blocks of 32 see 32, 64, 96, 128 keys; six
  // products of 2 * rows * keys * 32 (head size) per (batch, head, layer).
  const double attention = 6 * 2.0 * 32 * (32 + 64 + 96 + 128) * 32 * 64 * 4;
  CHECK(bench_step_gflop(kBenchModels[1]) == Approx((linear + attention) / 1e9));
  CHECK(bench_step_gflop(kBenchModels[1]) == Approx(10.72).epsilon(0.001));
}
