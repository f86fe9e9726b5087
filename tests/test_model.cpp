// Model-level properties that are not gradients: layout and names, init
// schemes, determinism, and that a warm training step allocates nothing.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include "error.h"
#include "model.h"
#include "optimizer.h"
#include "rng.h"
#include "small_models.h"

using namespace nope;

static ModelConfig small_config() { return model_sizes(16, 4, 2, 32); }

TEST_CASE("parameter names and shapes follow nanoGPT", "[model]") {
  ModelConfig c = small_config();
  c.pos_encoding = PosEncoding::learned;
  Model m;
  model_build(m, c, 10, 12);
  const char* expect[] = {"wte", "wpe", "h.0.ln_1.weight", "h.0.ln_1.bias", "h.0.attn.c_attn.weight",
                          "h.0.attn.c_attn.bias", "h.0.attn.c_proj.weight", "h.0.attn.c_proj.bias",
                          "h.0.ln_2.weight", "h.0.ln_2.bias", "h.0.mlp.c_fc.weight", "h.0.mlp.c_fc.bias",
                          "h.0.mlp.c_proj.weight", "h.0.mlp.c_proj.bias"};
  for (size_t i = 0; i < sizeof(expect) / sizeof(*expect); i++) CHECK(m.tensors[i].name == expect[i]);
  CHECK(model_find_tensor(m, "wpe")->shape == std::vector<int>{12, 16});
  CHECK(model_find_tensor(m, "h.1.attn.c_attn.weight")->shape == std::vector<int>{48, 16});
  CHECK(model_find_tensor(m, "h.1.mlp.c_fc.weight")->shape == std::vector<int>{32, 16});
  CHECK(model_find_tensor(m, "h.1.mlp.c_proj.weight")->shape == std::vector<int>{16, 32});
  CHECK(model_find_tensor(m, "lm_head.weight")->shape == std::vector<int>{10, 16});
  CHECK(m.tensors.back().offset + m.tensors.back().size == m.params.size());

  c.tie_embeddings = true;
  c.bias = false;
  c.norm = NormPlacement::none;
  c.pos_encoding = PosEncoding::normalized;
  model_build(m, c, 10, 12);
  CHECK(model_find_tensor(m, "lm_head.weight") == nullptr);
  CHECK(model_find_tensor(m, "h.0.ln_1.weight") == nullptr);
  CHECK(model_find_tensor(m, "h.0.attn.c_attn.bias") == nullptr);
  CHECK(model_find_tensor(m, "wnp")->shape == std::vector<int>{16});
  CHECK(m.lm_head == m.wte);
}

TEST_CASE("init schemes draw the documented scales, deterministically", "[model]") {
  auto stddev = [](const Model& m, const char* name) {
    const ParamTensor* p = model_find_tensor(m, name);
    double s = 0;
    for (size_t i = 0; i < p->size; i++) s += double(m.params[p->offset + i]) * m.params[p->offset + i];
    return std::sqrt(s / p->size);
  };
  ModelConfig c = small_config();
  c.d_model = 64;
  c.d_ff = 256;
  c.init.std = 0.02;
  c.init.embed_std = 0.5;
  Model m;
  model_build(m, c, 32, 16);
  model_init(m, 7);
  CHECK(stddev(m, "h.0.mlp.c_fc.weight") == Approx(0.02).epsilon(0.05));
  CHECK(stddev(m, "wte") == Approx(0.5).epsilon(0.1));
  CHECK(m.params[model_find_tensor(m, "h.0.ln_1.weight")->offset] == 1);
  CHECK(m.params[model_find_tensor(m, "h.0.mlp.c_fc.bias")->offset] == 0);

  RealVec first = m.params;
  model_init(m, 7);
  CHECK(first == m.params);
  model_init(m, 8);
  CHECK(first != m.params);

  c.init.scheme = InitScheme::kaiming;
  model_build(m, c, 32, 16);
  model_init(m, 7);
  CHECK(stddev(m, "h.0.mlp.c_fc.weight") == Approx(std::sqrt(2.0 / 64)).epsilon(0.05));
  CHECK(stddev(m, "h.0.mlp.c_proj.weight") == Approx(std::sqrt(2.0 / 256)).epsilon(0.05));
  c.init.scheme = InitScheme::xavier;
  model_build(m, c, 32, 16);
  model_init(m, 7);
  CHECK(stddev(m, "h.0.mlp.c_fc.weight") == Approx(std::sqrt(2.0 / (64 + 256))).epsilon(0.05));
  c.init.scheme = InitScheme::gpt2;
  model_build(m, c, 32, 16);
  model_init(m, 7);
  CHECK(stddev(m, "h.0.mlp.c_fc.weight") == Approx(0.02).epsilon(0.05));
  CHECK(stddev(m, "h.0.mlp.c_proj.weight") == Approx(0.02 / std::sqrt(4.0)).epsilon(0.05));
}

TEST_CASE("forward rejects out-of-range tokens and lengths with a clear error", "[model]") {
  Model m;
  model_build(m, small_config(), 5, 4);
  model_init(m, 1);
  const int ok[4] = {0, 1, 2, 3}, bad[4] = {0, 1, 5, 3};
  CHECK_NOTHROW(model_forward(m, ok, nullptr, 1, 4));
  CHECK_THROWS_WITH(model_forward(m, bad, nullptr, 1, 4), Catch::Contains("token id 5 out of range"));
  const int longer[5] = {0, 1, 2, 3, 4};
  CHECK_THROWS_WITH(model_forward(m, longer, nullptr, 1, 5), Catch::Contains("exceeds the model's maximum 4"));
}

TEST_CASE("causal attention: a position's output ignores later tokens", "[model]") {
  Model m;
  model_build(m, small_config(), 6, 5);
  model_init(m, 3);
  const int a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 0, 0};
  model_forward(m, a, nullptr, 1, 5);
  std::vector<real> la(m.logits, m.logits + 5 * 6);
  model_forward(m, b, nullptr, 1, 5);
  for (int i = 0; i < 3 * 6; i++) CHECK(la[i] == m.logits[i]);
  bool changed = false;
  for (int i = 3 * 6; i < 5 * 6; i++) changed |= la[i] != m.logits[i];
  CHECK(changed);
}

// ---------------------------------------------------------------- no-alloc

#if defined(__GLIBC__)
extern "C" void* __libc_malloc(size_t);
static long g_mallocs = 0;
static bool g_counting = false;
// Interposes malloc for this test binary; operator new and Eigen go through it.
extern "C" void* malloc(size_t n) {
  if (g_counting) g_mallocs++;
  return __libc_malloc(n);
}

TEST_CASE("a warm training step allocates nothing", "[model][alloc]") {
  ModelConfig c = small_config();
  c.d_model = 64;
  c.d_ff = 256;
  c.pos_encoding = PosEncoding::rope;
  Model m;
  model_build(m, c, 32, 64);
  model_init(m, 1);
  AdamW opt;
  adamw_init(opt, m);
  std::vector<int> tokens(8 * 64), targets(8 * 64);
  Rng r = rng_seed(5);
  for (size_t i = 0; i < tokens.size(); i++) {
    tokens[i] = (int)rng_below(r, 32);
    targets[i] = (int)rng_below(r, 32);
  }
  auto step = [&] {
    model_zero_grad(m);
    model_forward(m, tokens.data(), targets.data(), 8, 64);
    model_backward(m);
    adamw_update(opt, m, 1e-3, 0.1, clip_factor(grad_norm(m), 1.0));
  };
  step();  // cold: sizes the activation buffers
  g_mallocs = 0;
  g_counting = true;
  step();
  g_counting = false;
  CHECK(g_mallocs == 0);
}
#endif
