// The GEMM micro-kernel choice (core/gemm_choice.h): every kernel of the
// build gives the bits of the default on every transpose, overwriting or
// accumulating, and every edge size, including products that cross the K, M and N blocks (each sums an
// element over the same K blocks, k in order); an unknown name is an error
// that names the choices. In the wasm suite this covers every candidate;
// natively the build has one kernel.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "error.h"
#include "gemm.h"
#include "gemm_choice.h"
#include "gemm_operands.h"
#include "rng.h"

using namespace nope;

namespace {

// C after alpha op(A) op(B) (+ C, accumulating) with the kernel forced to `name`.
std::vector<real> product(const std::string& name, bool ta, bool tb, int M, int N, int K, Grad into) {
  Rng r = rng_seed(23);
  GemmOperands o = gemm_operands(ta, tb, M, N, K, r);
  gemm_set_kernel(name);
  gemm(ta, tb, M, N, K, real(0.75), o.A.data(), o.lda, o.B.data(), o.ldb, into, o.C.data(), o.ldc);
  gemm_set_kernel("");
  return o.C;
}

}  // namespace

TEST_CASE("every GEMM kernel gives the default kernel's bits", "[gemm][kernels]") {
  const std::vector<std::string> names = gemm_kernel_names();
  REQUIRE(!names.empty());
  const int sizes[][3] = {{1, 1, 1},    {3, 5, 7},     {7, 17, 13},  {13, 33, 300}, {37, 9, 64},
                          {130, 40, 20}, {6, 530, 20}, {260, 24, 9}, {128, 128, 32}, {257, 70, 513}};
  for (const auto& s : sizes)
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (Grad into : {Grad::overwrite, Grad::accumulate}) {
          const std::vector<real> want = product(names[0], ta, tb, s[0], s[1], s[2], into);
          for (const std::string& name : names) {
            INFO("kernel " << name << " M " << s[0] << " N " << s[1] << " K " << s[2] << " ta " << ta << " tb " << tb
                           << " accumulate " << (into == Grad::accumulate));
            const std::vector<real> got = product(name, ta, tb, s[0], s[1], s[2], into);
            REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(real)) == 0);
          }
        }
}

TEST_CASE("forcing an unknown GEMM kernel is an error naming the choices", "[gemm][kernels]") {
  try {
    gemm_set_kernel("9x9");
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    REQUIRE(what.find("'9x9'") != std::string::npos);
    REQUIRE(what.find(gemm_kernel_names()[0]) != std::string::npos);
  }
  REQUIRE(gemm_forced_kernel().empty());
  gemm_set_kernel(gemm_kernel_names()[0]);
  REQUIRE(gemm_kernel_for_shape(false, false, 64, 64, 64) == gemm_kernel_names()[0]);
  gemm_set_kernel("");
  // Back to the per-class choice, which starts afresh: in wasm a class not
  // probed yet reports no kernel; the native build's one kernel is its own.
  const bool several = gemm_kernel_names().size() > 1;
  REQUIRE(gemm_kernel_for_shape(true, false, 48, 40, 96) == (several ? "" : gemm_kernel_names()[0]));
}
