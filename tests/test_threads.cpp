// The thread pool (core/threads.h) and its determinism contract: training
// with 1, 2 or 3 threads, or two runs at once sharing the pool, gives the
// same losses and weights bit for bit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gemm.h"
#include "ops.h"
#include "rng.h"
#include "small_models.h"
#include "threads.h"
#include "trainer.h"

using namespace nope;

namespace {

// Restores the pool size a test found, so the suite's order does not matter.
struct PoolSize {
  int saved = threads_count();
  explicit PoolSize(int n) { threads_set(n); }
  ~PoolSize() { threads_set(saved); }
};

// Large enough that every parallel region splits: 1024 rows per matrix
// product, 64 (batch, head) pairs in attention, several AdamW chunks.
Config run_config(PosEncoding pe, NormPlacement norm, bool bias) {
  Config c;
  c.model = model_sizes(64, 4, 2, 256);
  c.model.pos_encoding = pe;
  c.model.norm = norm;
  c.model.bias = bias;
  c.task.name = TaskKind::copy;
  c.task.train_len = 31;  // T = 2 * 31 + 2 = 64
  c.task.test_len = 31;
  c.task.vocab_size = 8;
  c.train.batch_size = 16;
  c.train.steps = 20;
  c.train.warmup = 5;
  c.train.lr = 3e-3;
  c.train.seed = 11;
  return c;
}

struct RunResult {
  std::vector<double> losses, grad_norms;
  RealVec params, adam_m, adam_v;
};

RunResult train20(const Config& cfg) {
  Trainer tr = fresh_trainer(cfg);
  RunResult r;
  for (int i = 0; i < 20; i++) {
    const StepMetrics m = trainer_step(tr, 1);
    r.losses.push_back(m.loss);
    r.grad_norms.push_back(m.grad_norm);
  }
  r.params = tr.model.params;
  r.adam_m = tr.opt.m;
  r.adam_v = tr.opt.v;
  return r;
}

bool same_bits(const RealVec& a, const RealVec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(real) * a.size()) == 0;
}

void require_identical(const RunResult& a, const RunResult& b) {
  REQUIRE(a.losses.size() == b.losses.size());
  for (size_t i = 0; i < a.losses.size(); i++) {
    INFO("step " << i + 1);
    CHECK(std::memcmp(&a.losses[i], &b.losses[i], sizeof(double)) == 0);
    CHECK(std::memcmp(&a.grad_norms[i], &b.grad_norms[i], sizeof(double)) == 0);
  }
  CHECK(same_bits(a.params, b.params));
  CHECK(same_bits(a.adam_m, b.adam_m));
  CHECK(same_bits(a.adam_v, b.adam_v));
}

}  // namespace

TEST_CASE("parallel_for runs every task exactly once", "[threads]") {
  for (int n : {1, 2, 3}) {
    PoolSize pool(n);
    for (int tasks : {0, 1, 2, 7, 100}) {
      std::vector<std::atomic<int>> hits(tasks);
      for (auto& h : hits) h = 0;
      parallel_for(tasks, [&](int t) { hits[t]++; });
      for (int t = 0; t < tasks; t++) CHECK(hits[t] == 1);
    }
  }
}

TEST_CASE("a nested parallel_for runs inline and completes", "[threads]") {
  PoolSize pool(3);
  std::vector<std::atomic<int>> hits(8 * 8);
  for (auto& h : hits) h = 0;
  parallel_for(8, [&](int i) { parallel_for(8, [&](int j) { hits[i * 8 + j]++; }); });
  for (auto& h : hits) CHECK(h == 1);
}

TEST_CASE("threads_available is the pool size outside a task and 1 inside one", "[threads]") {
  PoolSize pool(2);
  CHECK(threads_available() == threads_count());
  std::atomic<int> inside_not_one{0};
  parallel_for(4, [&](int) {
    if (threads_available() != 1) inside_not_one++;
  });
  CHECK(inside_not_one == 0);
}

TEST_CASE("an exception in a task reaches the caller and leaves the pool usable", "[threads]") {
  for (int n : {1, 2}) {
    PoolSize pool(n);
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH(parallel_for(10,
                                   [&](int t) {
                                     ran++;
                                     if (t == 3) throw std::runtime_error("task 3");
                                   }),
                      "task 3");
    CHECK(ran >= 4);
    // The pool is usable afterwards.
    std::atomic<int> again{0};
    parallel_for(5, [&](int) { again++; });
    CHECK(again == 5);
  }
}

TEST_CASE("threads_set clamps and threads_count reports the pool size", "[threads]") {
  PoolSize pool(1);
  CHECK(threads_count() == 1);
  threads_set(0);  // all cores
  CHECK(threads_count() >= 1);
  CHECK(threads_hardware() >= 1);
#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
  threads_set(3);
  CHECK(threads_count() == 3);
  threads_set(1000);
  CHECK(threads_count() == 64);
#else
  threads_set(3);
  CHECK(threads_count() == 1);  // no pthreads: always one thread
#endif
}

TEST_CASE("training is bit-identical with 1, 2 and 3 threads", "[threads][determinism]") {
  const Config configs[] = {run_config(PosEncoding::none, NormPlacement::pre, true),
                            run_config(PosEncoding::rope, NormPlacement::post, false),
                            run_config(PosEncoding::alibi, NormPlacement::none, true),
                            run_config(PosEncoding::index, NormPlacement::pre, true),
                            run_config(PosEncoding::t5_bias, NormPlacement::pre, true),
                            [] {  // T5's gradient sums by bucket over both signs
                              Config c = run_config(PosEncoding::t5_bias, NormPlacement::post, true);
                              c.model.attention = AttentionMask::bidirectional;
                              return c;
                            }()};
  for (const Config& cfg : configs) {
    INFO("pos_encoding " << to_string(cfg.model.pos_encoding) << ", norm " << to_string(cfg.model.norm)
                         << ", attention " << to_string(cfg.model.attention));
    RunResult one, two, three;
    {
      PoolSize pool(1);
      one = train20(cfg);
    }
    {
      PoolSize pool(2);
      two = train20(cfg);
    }
    {
      PoolSize pool(3);
      three = train20(cfg);
    }
    require_identical(one, two);
    require_identical(one, three);
  }
}

// The products' tiling follows the thread count (rows or column groups per
// task; a transposed A by column groups, each task with its share of the
// column sums); the bits must not. Shapes of a model-B step, edges, N past
// one N block, fewer rows than one micro-tile, and the fused bias and
// column-sum forms.
TEST_CASE("matrix products are bit-identical with 1, 2 and 3 threads", "[threads][determinism][gemm]") {
  Rng r = rng_seed(5);
  const int shapes[][3] = {{2048, 384, 128}, {128, 512, 2048}, {512, 128, 2048}, {37, 1100, 300}, {130, 70, 600},
                           {6, 100, 520}};
  for (const auto& sh : shapes) {
    const int M = sh[0], N = sh[1], K = sh[2];
    INFO("M " << M << " N " << N << " K " << K);
    std::vector<real> A((size_t)M * K), B((size_t)K * N), bias(N), C0((size_t)M * N), sums0(M);
    for (auto* v : {&A, &B, &bias, &C0, &sums0})
      for (real& x : *v) x = real(rng_normal(r));
    auto run = [&](int threads) {
      PoolSize pool(threads);
      std::vector<real> out;
      for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
          std::vector<real> C = C0;
          gemm(ta, tb, M, N, K, real(0.5), A.data(), ta ? M : K, B.data(), tb ? K : N, Grad::accumulate, C.data(), N);
          out.insert(out.end(), C.begin(), C.end());
        }
      std::vector<real> C = C0, sums = sums0;
      gemm_bias(false, M, N, K, A.data(), K, B.data(), N, bias.data(), C.data(), N);
      out.insert(out.end(), C.begin(), C.end());
      C = C0;
      gemm_tn_sums(M, N, K, A.data(), M, B.data(), N, C.data(), N, sums.data());
      out.insert(out.end(), C.begin(), C.end());
      out.insert(out.end(), sums.begin(), sums.end());
      return out;
    };
    const std::vector<real> one = run(1), two = run(2), three = run(3);
    CHECK(std::memcmp(one.data(), two.data(), sizeof(real) * one.size()) == 0);
    CHECK(std::memcmp(one.data(), three.data(), sizeof(real) * one.size()) == 0);
  }
}

// One thread takes the gain and bias gradients in the row pass, several in
// a column pass of their own: the same bits, with or without a residual
// gradient (dres) to start the input gradient from.
TEST_CASE("layernorm backward is bit-identical with 1, 2 and 3 threads", "[threads][determinism]") {
  Rng r = rng_seed(6);
  const int N = 700, C = 96;  // several row tasks, two column blocks
  std::vector<real> inp((size_t)N * C), dout(inp.size()), dres(inp.size()), dinp0(inp.size()), w(C), b(C);
  std::vector<real> mean(N), rstd(N), out(inp.size());
  for (auto* v : {&inp, &dout, &dres, &dinp0, &w, &b})
    for (real& x : *v) x = real(rng_normal(r));
  layernorm_forward(out.data(), mean.data(), rstd.data(), inp.data(), w.data(), b.data(), N, C);
  auto run = [&](int threads) {
    PoolSize pool(threads);
    std::vector<real> dinp = dinp0, res_out(inp.size(), real(5)), dw(C, real(0.25)), db(C, real(-1));
    layernorm_backward(dinp.data(), dw.data(), db.data(), dout.data(), inp.data(), w.data(), mean.data(),
                       rstd.data(), N, C);
    layernorm_backward(res_out.data(), dw.data(), db.data(), dout.data(), inp.data(), w.data(), mean.data(),
                       rstd.data(), N, C, dres.data());
    std::vector<real> all = dinp;
    for (const auto* v : {&res_out, &dw, &db}) all.insert(all.end(), v->begin(), v->end());
    return all;
  };
  const std::vector<real> one = run(1), two = run(2), three = run(3);
  CHECK(std::memcmp(one.data(), two.data(), sizeof(real) * one.size()) == 0);
  CHECK(std::memcmp(one.data(), three.data(), sizeof(real) * one.size()) == 0);
  // dres: the residual gradient plus the input gradient, as copying dres in
  // and accumulating would give.
  std::vector<real> copied = dres, dw(C, 0), db(C, 0);
  layernorm_backward(copied.data(), dw.data(), db.data(), dout.data(), inp.data(), w.data(), mean.data(),
                     rstd.data(), N, C);
  CHECK(std::equal(copied.begin(), copied.end(), one.begin() + (long)N * C));
}

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
TEST_CASE("two runs training at once share a 2-thread pool and match single-thread runs",
          "[threads][determinism]") {
  // As `nopelab sweep --jobs 2` does: whichever run finds the pool busy runs
  // its regions inline, which must not change a bit either.
  const Config a = run_config(PosEncoding::none, NormPlacement::pre, true);
  Config b = run_config(PosEncoding::learned, NormPlacement::pre, true);
  b.train.seed = 12;
  RunResult a1, b1;
  {
    PoolSize pool(1);
    a1 = train20(a);
    b1 = train20(b);
  }
  PoolSize pool(2);
  RunResult a2, b2;
  std::thread ta([&] { a2 = train20(a); });
  std::thread tb([&] { b2 = train20(b); });
  ta.join();
  tb.join();
  require_identical(a1, a2);
  require_identical(b1, b2);
}
#endif
