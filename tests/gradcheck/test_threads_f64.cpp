// The double-precision build's products go through Eigen on fixed tiles
// (core/gemm_eigen.cpp): its gradients, like the float build's, must be
// bit-identical for any thread count.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "../small_models.h"
#include "model.h"
#include "rng.h"
#include "threads.h"

using namespace nope;

TEST_CASE("f64 forward and backward are bit-identical with 1, 2 and 3 threads", "[threads]") {
  ModelConfig c = model_sizes(64, 4, 2, 256);
  c.pos_encoding = PosEncoding::rope;
  const int V = 16, B = 8, T = 64;  // 512 rows: every product splits into tiles
  Rng r = rng_seed(9);
  std::vector<int> tokens(B * T), targets(B * T);
  for (int i = 0; i < B * T; i++) {
    tokens[i] = (int)rng_below(r, V);
    targets[i] = (int)rng_below(r, V);
  }
  const int saved = threads_count();
  std::vector<RealVec> grads;
  std::vector<double> losses;
  for (int n : {1, 2, 3}) {
    threads_set(n);
    Model m;
    model_build(m, c, V, T);
    model_init(m, 4);
    model_zero_grad(m);
    losses.push_back(model_forward(m, tokens.data(), targets.data(), B, T));
    model_backward(m);
    grads.push_back(m.grads);
  }
  threads_set(saved);
  for (int i = 1; i < 3; i++) {
    CHECK(std::memcmp(&losses[0], &losses[i], sizeof(double)) == 0);
    REQUIRE(grads[i].size() == grads[0].size());
    CHECK(std::memcmp(grads[0].data(), grads[i].data(), sizeof(real) * grads[0].size()) == 0);
  }
}
