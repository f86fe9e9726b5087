// T5's relative-position buckets (t5_bucket_table) and the t5_bias config
// rules. The expected buckets are the output of Hugging Face transformers'
// T5Attention._relative_position_bucket (float32 torch) for the same
// offsets; our table agreed with it at every offset in [-200, 200] for
// (buckets, max distance) = (32, 128), (8, 6), (4, 3), (16, 40), both masks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "config.h"
#include "error.h"
#include "model.h"
#include "ops.h"
#include "small_models.h"

using namespace nope;

namespace {

// Bucket of offset j - i from a table built for maxT.
int bucket_at(const std::vector<int>& table, int maxT, int offset) { return table[offset + maxT - 1]; }

}  // namespace

TEST_CASE("T5 buckets: causal is one-sided, exact below 16, log-spaced to 128", "[t5]") {
  const int maxT = 256;
  std::vector<int> t(2 * maxT - 1);
  t5_bucket_table(t.data(), maxT, 32, 128, /*bidirectional=*/false);
  // distance i - j (the offset is its negative) -> bucket
  const int dist[] = {0, 1, 15, 16, 17, 20, 23, 32, 45, 64, 90, 127, 128, 200};
  const int want[] = {0, 1, 15, 16, 16, 17, 18, 21, 23, 26, 29, 31, 31, 31};
  for (size_t k = 0; k < sizeof dist / sizeof dist[0]; k++) {
    INFO("distance " << dist[k]);
    CHECK(bucket_at(t, maxT, -dist[k]) == want[k]);
  }
  for (int off = 1; off < maxT; off++) CHECK(bucket_at(t, maxT, off) == 0);  // future keys: masked
}

TEST_CASE("T5 buckets: bidirectional gives half to each sign", "[t5]") {
  const int maxT = 256;
  std::vector<int> t(2 * maxT - 1);
  t5_bucket_table(t.data(), maxT, 32, 128, /*bidirectional=*/true);
  const int off[] = {-20, -8, -7, 0, 1, 7, 8, 12, 16, 32, 64, 128};
  const int want[] = {10, 8, 7, 0, 17, 23, 24, 25, 26, 28, 30, 31};
  for (size_t k = 0; k < sizeof off / sizeof off[0]; k++) {
    INFO("offset " << off[k]);
    CHECK(bucket_at(t, maxT, off[k]) == want[k]);
  }
  // Buckets never decrease with distance on either side.
  for (int d = 1; d < maxT; d++) {
    CHECK(bucket_at(t, maxT, -d) >= bucket_at(t, maxT, -(d - 1)));
    if (d > 1) CHECK(bucket_at(t, maxT, d) >= bucket_at(t, maxT, d - 1));
  }
}

TEST_CASE("t5_bias config: per-direction buckets and max distance are checked", "[t5][config]") {
  ModelConfig m;
  m.pos_encoding = PosEncoding::t5_bias;
  m.attention = AttentionMask::bidirectional;
  m.t5_buckets = 3;  // one bucket per sign: no exact distance
  CHECK_THROWS_WITH(model_config_validate(m),
                    "model.t5_buckets = 3 must be at least 4 with model.attention = bidirectional (half per direction)");
  m.t5_buckets = 32;
  m.t5_max_distance = 8;  // 16 per sign, 8 exact: the log range would be empty
  CHECK_THROWS_WITH(model_config_validate(m),
                    "model.t5_max_distance = 8 must exceed the 8 exact distances of model.t5_buckets = 32 (bidirectional)");
  m.attention = AttentionMask::causal;
  m.t5_buckets = 3;
  m.t5_max_distance = 2;  // causal: 3 buckets, 1 exact
  CHECK_NOTHROW(model_config_validate(m));
  // Other encodings ignore the T5 fields.
  m.pos_encoding = PosEncoding::none;
  m.t5_max_distance = 1;
  CHECK_NOTHROW(model_config_validate(m));
}

TEST_CASE("t5_bias: one table (buckets, heads) shared by every layer; zero table = NoPE", "[t5][model]") {
  ModelConfig c = model_sizes(16, 2, 2, 32);
  c.pos_encoding = PosEncoding::t5_bias;
  c.t5_buckets = 8;
  c.t5_max_distance = 20;
  Model m;
  model_build(m, c, 6, 10);
  const ParamTensor* p = model_find_tensor(m, "rel_bias");
  REQUIRE(p);
  CHECK(p->shape == std::vector<int>{8, 2});
  int count = 0;
  for (const ParamTensor& t : m.tensors) count += t.name.find("rel_bias") != std::string::npos;
  CHECK(count == 1);
  // With the table at zero the scores are NoPE's, bit for bit.
  model_init(m, 3);
  for (size_t i = 0; i < p->size; i++) m.params[p->offset + i] = 0;
  ModelConfig n = c;
  n.pos_encoding = PosEncoding::none;
  Model none;
  model_build(none, n, 6, 10);
  model_init(none, 3);
  // Copy every shared tensor by name (the layouts differ by rel_bias only).
  for (const ParamTensor& t : none.tensors) {
    const ParamTensor* s = model_find_tensor(m, t.name);
    REQUIRE(s);
    std::copy(m.params.begin() + s->offset, m.params.begin() + s->offset + s->size, none.params.begin() + t.offset);
  }
  const int tokens[10] = {1, 4, 2, 2, 5, 0, 3, 1, 4, 4};
  model_forward(m, tokens, nullptr, 1, 10);
  model_forward(none, tokens, nullptr, 1, 10);
  for (int i = 0; i < 10 * 6; i++) REQUIRE(m.logits[i] == none.logits[i]);
}
