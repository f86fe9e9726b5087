// nope::gemm against a naive triple loop: every transpose combination,
// beta 0 and 1, odd sizes that exercise the SIMD kernel's edges, and leading
// dimensions larger than the rows, and sizes that cross the wasm GEMM's
// cache blocks. Runs natively (Eigen path) and in the
// wasm suite (the hand-written wasm_simd128 kernel).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gemm.h"
#include "rng.h"

using namespace nope;

TEST_CASE("gemm matches a naive product for all transposes, betas and edge sizes", "[gemm]") {
  Rng r = rng_seed(17);
  const int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {5, 9, 3}, {13, 17, 11}, {33, 31, 64}, {64, 24, 40},
                          // past the wasm kernel's block sizes (K 256, M 128, N 512)
                          {130, 9, 300}, {6, 530, 20}};
  for (const auto& s : sizes) {
    const int M = s[0], N = s[1], K = s[2];
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (real beta : {real(0), real(1)}) {
          INFO("M " << M << " N " << N << " K " << K << " ta " << ta << " tb " << tb << " beta " << beta);
          // Stored shapes with padded leading dimensions.
          const int a_rows = ta ? K : M, a_cols = ta ? M : K, lda = a_cols + 3;
          const int b_rows = tb ? N : K, b_cols = tb ? K : N, ldb = b_cols + 1;
          const int ldc = N + 2;
          std::vector<real> A((size_t)a_rows * lda), B((size_t)b_rows * ldb), C((size_t)M * ldc);
          for (real& x : A) x = real(rng_normal(r));
          for (real& x : B) x = real(rng_normal(r));
          for (real& x : C) x = real(rng_normal(r));
          std::vector<real> expect = C;
          const real alpha = real(0.75);
          for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
              double acc = 0;
              for (int k = 0; k < K; k++) {
                const double a = ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
                const double b = tb ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
                acc += a * b;
              }
              expect[(size_t)i * ldc + j] = real(alpha * acc + (beta != 0 ? double(C[(size_t)i * ldc + j]) : 0.0));
            }
          gemm(ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
          for (int i = 0; i < M; i++)
            for (int j = 0; j < ldc; j++) {
              const size_t at = (size_t)i * ldc + j;
              if (j < N) REQUIRE(C[at] == Approx(expect[at]).margin(1e-4 * std::sqrt(double(K))));
              else REQUIRE(C[at] == expect[at]);  // padding past N untouched
            }
        }
  }
}
