// The content null of the adjacency score (core/analysis/similarity.h): what
// a representation of the tokens alone, with no position, scores on the same
// inputs.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/similarity.h"
#include "rng.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

TEST_CASE("content null: chance on random tokens, high where content repeats", "[analysis][null]") {
  const int B = 64, T = 32, C = 64;
  Rng r = rng_seed(9);
  std::vector<int> random(B * T), runs(B * T), distinct(B * T);
  for (int i = 0; i < B * T; i++) {
    random[i] = (int)rng_below(r, 256);
    runs[i] = (i % T) / 4 + 100 * (i / T % 2);  // runs of 4 equal tokens, like a sorted sequence with repeats
    distinct[i] = i % T;                         // every token once: nothing to go on
  }
  const double chance = adjacency_chance(T);
  CHECK(adjacency_content_null(random.data(), B, T, C, 1) == Approx(chance).margin(0.03));
  CHECK(adjacency_content_null(distinct.data(), B, T, C, 1) < 0.15);
  // Runs of 4 equal tokens a..a+3: ties go to the lowest j, so rows a (-> a+1)
  // and a+1 (-> a) hit, rows a+2 and a+3 (-> a) miss: exactly 1/2, four
  // times chance, from content alone.
  CHECK(adjacency_content_null(runs.data(), B, T, C, 1) == Approx(0.5));
  // Deterministic from the seed.
  CHECK(adjacency_content_null(random.data(), B, T, C, 1) == adjacency_content_null(random.data(), B, T, C, 1));
}

TEST_CASE("analysis JSON: the content null at every site and which inputs were used", "[analysis][null]") {
  Config c;
  c.model = model_sizes(16, 2, 1, 32);
  c.task.name = TaskKind::sort;
  c.task.train_len = 8;
  c.task.test_len = 8;
  Trainer tr = fresh_trainer(c);
  for (bool random : {true, false}) {
    AnalysisRequest req;
    req.batch = 16;
    req.probes = false;
    req.random_tokens = random;
    const nlohmann::json j = analysis_to_json(analyze(tr.model, c.task, req), false);
    CHECK(j["input"] == (random ? "random" : "task"));
    const double null = j["layers"][0]["sites"]["attn_out"]["adjacency_null"].get<double>();
    CHECK(null == j["layers"][0]["sites"]["embed"]["adjacency_null"].get<double>());
    CHECK(null >= 0);
  }
}
