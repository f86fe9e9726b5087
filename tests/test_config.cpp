// Config JSON: defaults, round trips, --set, and every validation error path
// (the message must name the field, the value and the allowed range).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "config.h"
#include "error.h"

using namespace nope;
using json = nlohmann::json;

static void expect_error(const json& j, const std::string& needle) {
  INFO(j.dump());
  CHECK_THROWS_WITH(config_from_json(j), Catch::Contains(needle));
}

TEST_CASE("empty config gives the documented defaults and round-trips", "[config]") {
  const Config c = config_from_json(json::object());
  CHECK(c.model.d_model == 64);
  CHECK(c.model.pos_encoding == PosEncoding::none);
  CHECK(c.model.attention == AttentionMask::causal);
  CHECK(c.task.name == TaskKind::copy);
  CHECK(c.train.seed == 1);
  const json j = config_to_json(c);
  CHECK(config_to_json(config_from_json(j)) == j);

  json custom = j;
  custom["model"]["pos_encoding"] = "rope";
  custom["model"]["init"]["scheme"] = "gpt2";
  custom["task"]["name"] = "lm";
  custom["train"]["seed"] = 9007199254740991ull;
  const Config c2 = config_from_json(custom);
  CHECK(c2.model.pos_encoding == PosEncoding::rope);
  CHECK(c2.model.init.scheme == InitScheme::gpt2);
  CHECK(c2.train.seed == 9007199254740991ull);
  CHECK(config_to_json(c2) == custom);
}

TEST_CASE("unknown fields and wrong types are rejected by path", "[config]") {
  expect_error({{"modle", json::object()}}, "modle: unknown field");
  expect_error({{"model", {{"d_modle", 4}}}}, "model.d_modle: unknown field");
  expect_error({{"model", {{"init", {{"sd", 1}}}}}}, "model.init.sd: unknown field");
  expect_error({{"model", 3}}, "model must be a JSON object");
  expect_error(json::array(), "config must be a JSON object");
  expect_error({{"model", {{"d_model", "64"}}}}, "model.d_model must be an integer");
  expect_error({{"model", {{"d_model", 64.5}}}}, "model.d_model must be an integer");
  expect_error({{"model", {{"bias", 1}}}}, "model.bias must be true or false");
  expect_error({{"train", {{"lr", "fast"}}}}, "train.lr must be a number");
  expect_error({{"model", {{"pos_encoding", "nope"}}}},
               "model.pos_encoding = \"nope\" is not one of none|sinusoidal|learned|rope|alibi|normalized");
  expect_error({{"model", {{"attention", "causal "}}}}, "model.attention = \"causal \" is not one of causal|bidirectional");
  expect_error({{"model", {{"norm", "mid"}}}}, "model.norm");
  expect_error({{"model", {{"init", {{"scheme", "he"}}}}}}, "model.init.scheme");
  expect_error({{"task", {{"name", "translate"}}}}, "task.name");
}

TEST_CASE("every range is enforced with the range in the message", "[config]") {
  expect_error({{"model", {{"d_model", 0}}}}, "model.d_model = 0 is out of range [2, 1024]");
  expect_error({{"model", {{"d_model", 2048}}}}, "model.d_model = 2048 is out of range [2, 1024]");
  expect_error({{"model", {{"n_heads", 0}}}}, "model.n_heads = 0 is out of range");
  expect_error({{"model", {{"n_layers", 17}}}}, "model.n_layers = 17 is out of range [1, 16]");
  expect_error({{"model", {{"d_ff", 0}}}}, "model.d_ff = 0 is out of range");
  expect_error({{"model", {{"init", {{"std", 0}}}}}}, "model.init.std = 0 is out of range (0, 10]");
  expect_error({{"model", {{"init", {{"embed_std", -1}}}}}}, "model.init.embed_std = -1 is out of range");
  expect_error({{"task", {{"train_len", 0}}}}, "task.train_len = 0 is out of range [1, 256]");
  expect_error({{"task", {{"test_len", 300}}}}, "task.test_len = 300 is out of range [1, 256]");
  expect_error({{"task", {{"vocab_size", 1}}}}, "task.vocab_size = 1 is out of range [2, 256]");
  expect_error({{"train", {{"steps", -1}}}}, "train.steps = -1 is out of range");
  expect_error({{"train", {{"batch_size", 0}}}}, "train.batch_size = 0 is out of range [1, 512]");
  expect_error({{"train", {{"lr", 0}}}}, "train.lr = 0 is out of range (0, 1]");
  expect_error({{"train", {{"lr", 2}}}}, "train.lr = 2 is out of range (0, 1]");
  expect_error({{"train", {{"weight_decay", -0.1}}}}, "train.weight_decay = -0.1 is out of range [0, 10]");
  expect_error({{"train", {{"clip", -1}}}}, "train.clip = -1 is out of range");
  expect_error({{"train", {{"seed", -1}}}}, "train.seed = -1 is out of range [0, 9007199254740991]");
  expect_error({{"train", {{"seed", 9007199254740992.0}}}}, "train.seed");
}

TEST_CASE("cross-field rules and the memory limit", "[config]") {
  expect_error({{"model", {{"d_model", 60}, {"n_heads", 8}}}}, "model.d_model = 60 must be divisible by model.n_heads = 8");
  expect_error({{"model", {{"d_model", 60}, {"n_heads", 20}, {"pos_encoding", "rope"}}}}, "rope needs an even head size");
  expect_error({{"model", {{"d_model", 63}, {"n_heads", 1}, {"pos_encoding", "sinusoidal"}}}}, "even model.d_model");
  expect_error({{"task", {{"train_len", 10}, {"test_len", 5}}}}, "task.test_len = 5 must be at least task.train_len = 10");
  expect_error({{"task", {{"name", "parity"}, {"vocab_size", 4}}}}, "must be 2 for task.name = parity");
  expect_error({{"task", {{"name", "add"}, {"train_len", 200}, {"test_len", 256}}}}, "above the limit of 512");
  expect_error({{"train", {{"steps", 10}, {"warmup", 20}}}}, "train.warmup = 20 must not exceed train.steps = 10");
  expect_error({{"model", {{"d_model", 1024}, {"n_layers", 16}, {"d_ff", 4096}}},
                {"task", {{"train_len", 200}, {"test_len", 250}}},
                {"train", {{"batch_size", 512}}}},
               "MiB limit");
}

TEST_CASE("--set assignments", "[config]") {
  json j = json::object();
  config_set(j, "model.n_layers=3");
  config_set(j, "model.pos_encoding=rope");
  config_set(j, "model.bias=false");
  config_set(j, "train.lr=0.01");
  config_set(j, "model.init.std=0.5");
  const Config c = config_from_json(j);
  CHECK(c.model.n_layers == 3);
  CHECK(c.model.pos_encoding == PosEncoding::rope);
  CHECK(!c.model.bias);
  CHECK(c.train.lr == 0.01);
  CHECK(c.model.init.std == 0.5);
  CHECK_THROWS_WITH(config_set(j, "model.n_layers"), Catch::Contains("--set expects path.to.field=value"));
  CHECK_THROWS_WITH(config_set(j, "=3"), Catch::Contains("--set expects"));
  CHECK_THROWS_WITH(config_set(j, "model..x=3"), Catch::Contains("empty field name"));
  CHECK_THROWS_WITH(config_set(j, "model.n_layers.x=3"), Catch::Contains("model.n_layers is not an object"));
}
