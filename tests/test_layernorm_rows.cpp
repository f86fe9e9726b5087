// LayerNorm over many rows gives the same bits as row by row. In wasm the
// many-row call sums four rows at once, one per lane (core/layernorm_stats.h),
// while a one-row call takes the plain path; natively both take Eigen's. Runs
// natively and in wasm (wasm_unit), at row counts that leave 0..3 rows over
// and widths with and without a tail of C % 4 columns.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "ops.h"
#include "rng.h"

using namespace nope;

namespace {

std::vector<real> normal(size_t n, uint64_t seed, float std = 1.f, float mean = 0.f) {
  Rng rng = rng_seed(seed);
  std::vector<real> v(n);
  for (real& x : v) x = real(mean + std * rng_normal(rng));
  return v;
}

bool same_bits(const std::vector<real>& a, const std::vector<real>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(real)) == 0;
}

}  // namespace

TEST_CASE("layernorm over many rows equals row by row, bit for bit", "[ops][layernorm]") {
  for (int N : {1, 3, 4, 7, 13}) {
    for (int C : {5, 8, 64, 130}) {
      for (bool bias : {true, false}) {
        for (bool residual : {true, false}) {
          CAPTURE(N, C, bias, residual);
          // Offset rows (mean 3) so the variance's subtraction matters.
          const std::vector<real> x = normal((size_t)N * C, 11 + N * 131 + C, 1.f, 3.f), w = normal(C, 5, 0.5f, 1.f),
                                  b = normal(C, 6), dy = normal((size_t)N * C, 7 + C), dres = normal((size_t)N * C, 8 + N);
          const real* bp = bias ? b.data() : nullptr;
          const real* rp = residual ? dres.data() : nullptr;

          std::vector<real> out((size_t)N * C), mean(N), rstd(N), dx((size_t)N * C, real(0.25)), dw(C, 0), db(C, 0);
          layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), bp, N, C);
          layernorm_backward(dx.data(), dw.data(), bias ? db.data() : nullptr, dy.data(), x.data(), w.data(), mean.data(),
                             rstd.data(), N, C, rp);

          std::vector<real> out1((size_t)N * C), mean1(N), rstd1(N), dx1((size_t)N * C, real(0.25)), dw1(C, 0), db1(C, 0);
          for (int i = 0; i < N; i++) {
            const size_t o = (size_t)i * C;
            layernorm_forward(out1.data() + o, &mean1[i], &rstd1[i], x.data() + o, w.data(), bp, 1, C);
            layernorm_backward(dx1.data() + o, dw1.data(), bias ? db1.data() : nullptr, dy.data() + o, x.data() + o, w.data(),
                               &mean1[i], &rstd1[i], 1, C, rp ? rp + o : nullptr);
          }
          REQUIRE(same_bits(mean, mean1));
          REQUIRE(same_bits(rstd, rstd1));
          REQUIRE(same_bits(out, out1));
          REQUIRE(same_bits(dx, dx1));
          REQUIRE(same_bits(dw, dw1));
          REQUIRE(same_bits(db, db1));
        }
      }
    }
  }
}
