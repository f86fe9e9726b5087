// nope::gemm against a naive triple loop: every transpose combination,
// overwrite and accumulate, odd sizes that exercise the SIMD kernel's edges, and leading
// dimensions larger than the rows, and sizes that cross the wasm GEMM's
// cache blocks. Runs natively (Eigen path) and in the
// wasm suite (the hand-written wasm_simd128 kernel).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gemm.h"
#include "gemm_operands.h"
#include "rng.h"

using namespace nope;

TEST_CASE("gemm matches a naive product for all transposes, overwrite/accumulate and edge sizes", "[gemm]") {
  Rng r = rng_seed(17);
  const int sizes[][3] = {{1, 1, 1}, {3, 5, 7}, {4, 8, 16}, {5, 9, 3}, {13, 17, 11}, {33, 31, 64}, {64, 24, 40},
                          // past the wasm kernel's block sizes (K 256, M 128, N 512)
                          {130, 9, 300}, {6, 530, 20},
                          // small products reading a row-major op(B) of whole 16/32-wide panels in place
                          {20, 64, 50}, {128, 32, 256}, {9, 96, 7}};
  for (const auto& s : sizes) {
    const int M = s[0], N = s[1], K = s[2];
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (Grad into : {Grad::overwrite, Grad::accumulate}) {
          const bool acc_c = into == Grad::accumulate;
          INFO("M " << M << " N " << N << " K " << K << " ta " << ta << " tb " << tb << " accumulate " << acc_c);
          GemmOperands o = gemm_operands(ta, tb, M, N, K, r);
          const int lda = o.lda, ldb = o.ldb, ldc = o.ldc;
          const real *A = o.A.data(), *B = o.B.data();
          std::vector<real>& C = o.C;
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
              expect[(size_t)i * ldc + j] = real(alpha * acc + (acc_c ? double(C[(size_t)i * ldc + j]) : 0.0));
            }
          gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, into, C.data(), ldc);
          for (int i = 0; i < M; i++)
            for (int j = 0; j < ldc; j++) {
              const size_t at = (size_t)i * ldc + j;
              if (j < N) REQUIRE(C[at] == Approx(expect[at]).margin(1e-4 * std::sqrt(double(K))));
              else REQUIRE(C[at] == expect[at]);  // padding past N untouched
            }
        }
  }
}

// The fused forms must give exactly the bits of the product followed by the
// pass they replace (the bias added last; each column sum over k in order),
// across the kernel's blocks: K past one K block, N past one N block (where
// the sums must still be taken once), M with a partial row panel.
TEST_CASE("gemm_bias and gemm_tn_sums equal the product then the separate pass, bit for bit", "[gemm]") {
  Rng r = rng_seed(23);
  const int sizes[][3] = {{1, 1, 1}, {13, 17, 11}, {37, 70, 300}, {130, 1100, 40}, {9, 33, 600}, {40, 64, 30}};
  for (const auto& s : sizes) {
    const int M = s[0], N = s[1], K = s[2];
    INFO("M " << M << " N " << N << " K " << K);
    auto normal = [&](size_t n) {
      std::vector<real> v(n);
      for (real& x : v) x = real(rng_normal(r));
      return v;
    };
    const std::vector<real> bias = normal(N);
    for (int tb = 0; tb < 2; tb++) {  // gemm_bias: C = A op(B) + bias
      const std::vector<real> A = normal((size_t)M * K), B = normal((size_t)N * K);
      const int ldb = tb ? K : N;
      std::vector<real> fused(M * N, real(9)), split(M * N);
      gemm_bias(tb, M, N, K, A.data(), K, B.data(), ldb, bias.data(), fused.data(), N);
      gemm(false, tb, M, N, K, real(1), A.data(), K, B.data(), ldb, Grad::overwrite, split.data(), N);
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) split[i * N + j] += bias[j];
      CHECK(fused == split);
    }
    // gemm_tn_sums: C += A^T B with A (K, M), sums += column sums of A.
    const std::vector<real> A = normal((size_t)K * M), B = normal((size_t)K * N), C0 = normal((size_t)M * N);
    const std::vector<real> sums0 = normal(M);
    std::vector<real> fused = C0, split = C0, fused_sums = sums0, split_sums = sums0;
    gemm_tn_sums(M, N, K, A.data(), M, B.data(), N, fused.data(), N, fused_sums.data());
    gemm(true, false, M, N, K, real(1), A.data(), M, B.data(), N, Grad::accumulate, split.data(), N);
    for (int k = 0; k < K; k++)
      for (int i = 0; i < M; i++) split_sums[i] += A[(size_t)k * M + i];
    CHECK(fused == split);
    CHECK(fused_sums == split_sums);
  }
}
