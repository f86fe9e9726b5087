// Config JSON: defaults, round trips, --set, and every validation error path
// (the message must name the field, the value and the allowed range).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "config.h"
#include "error.h"
#include "small_models.h"
#include "tasks.h"
#include "trainer.h"

using namespace nope;
using json = nlohmann::json;

static void expect_error(const json& j, const std::string& needle) {
  INFO(j.dump(-1, ' ', false, json::error_handler_t::replace));
  CHECK_THROWS_WITH(config_load(j), Catch::Contains(needle));
}

// A config holding the single assignment `path=value`, the rest defaults.
static json with(const std::string& assignment) {
  json j = json::object();
  config_set(j, assignment);
  return j;
}

TEST_CASE("empty config gives the documented defaults and round-trips", "[config]") {
  const Config c = config_from_json(json::object());
  CHECK(c.model.d_model == 64);
  CHECK(c.model.n_heads == 4);
  CHECK(c.model.n_layers == 2);
  CHECK(c.model.d_ff == 256);
  CHECK(c.model.pos_encoding == PosEncoding::none);
  CHECK(c.model.attention == AttentionMask::causal);
  CHECK(c.model.norm == NormPlacement::pre);
  CHECK(c.model.bias);
  CHECK(!c.model.tie_embeddings);
  CHECK(c.model.init.scheme == InitScheme::normal);
  CHECK(c.model.init.std == 0.02);
  CHECK(c.model.t5_buckets == 32);  // T5's defaults
  CHECK(c.model.t5_max_distance == 128);
  CHECK(c.task.name == TaskKind::copy);
  CHECK(c.task.train_len == 16);
  CHECK(c.task.test_len == 32);
  CHECK(c.train.steps == 1000);
  CHECK(c.train.lr == 1e-3);
  CHECK(c.train.seed == 1);
  const json j = config_to_json(c);
  CHECK(config_to_json(config_from_json(j)) == j);
  // Every field is written, so a saved config never depends on defaults.
  CHECK(j["model"].size() == 12);
  CHECK(j["model"]["init"].size() == 3);
  CHECK(j["task"].size() == 5);
  CHECK(j["train"].size() == 7);
}

TEST_CASE("every enum value round-trips by name", "[config]") {
  json j = config_to_json(Config{});
  for (const char* v : {"none", "sinusoidal", "learned", "rope", "alibi", "normalized", "index", "t5_bias"}) {
    j["model"]["pos_encoding"] = v;
    CHECK(to_string(config_from_json(j).model.pos_encoding) == std::string(v));
  }
  for (const char* v : {"causal", "bidirectional"}) {
    j["model"]["attention"] = v;
    CHECK(to_string(config_from_json(j).model.attention) == std::string(v));
  }
  for (const char* v : {"pre", "post", "none"}) {
    j["model"]["norm"] = v;
    CHECK(to_string(config_from_json(j).model.norm) == std::string(v));
  }
  for (const char* v : {"normal", "xavier", "kaiming", "gpt2"}) {
    j["model"]["init"]["scheme"] = v;
    CHECK(to_string(config_from_json(j).model.init.scheme) == std::string(v));
  }
  for (const char* v : {"copy", "reverse", "sort", "position", "kth", "count", "parity", "add", "add_lsd", "lm"}) {
    json t = j;
    t["task"]["name"] = v;
    if (std::string(v) == "parity") t["task"]["vocab_size"] = 2;
    const Config c = config_from_json(t);
    CHECK(to_string(c.task.name) == std::string(v));
    CHECK(config_to_json(c) == t);
  }

  json custom = config_to_json(Config{});
  custom["model"]["pos_encoding"] = "rope";
  custom["model"]["tie_embeddings"] = true;
  custom["model"]["init"]["scheme"] = "gpt2";
  custom["model"]["init"]["embed_std"] = 0.5;
  custom["task"]["vary_length"] = true;
  custom["train"]["seed"] = 9007199254740991ull;  // 2^53 - 1, the largest allowed
  custom["train"]["clip"] = 0;
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
  expect_error({{"task", {{"length", 4}}}}, "task.length: unknown field");
  expect_error({{"train", {{"epochs", 4}}}}, "train.epochs: unknown field");
  expect_error({{"model", 3}}, "model must be a JSON object, got 3");
  expect_error({{"model", {{"init", "gpt2"}}}}, "model.init must be a JSON object");
  expect_error({{"train", nullptr}}, "train must be a JSON object, got null");
  expect_error(json::array(), "config must be a JSON object");
  expect_error({{"model", {{"d_model", "64"}}}}, "model.d_model must be an integer, got \"64\"");
  expect_error({{"model", {{"d_model", 64.5}}}}, "model.d_model must be an integer, got 64.5");
  expect_error({{"model", {{"bias", 1}}}}, "model.bias must be true or false, got 1");
  expect_error({{"model", {{"tie_embeddings", "yes"}}}}, "model.tie_embeddings must be true or false");
  expect_error({{"task", {{"vary_length", nullptr}}}}, "task.vary_length must be true or false");
  expect_error({{"train", {{"lr", "fast"}}}}, "train.lr must be a number");
  expect_error({{"train", {{"seed", "1"}}}}, "train.seed must be an integer");
  expect_error({{"train", {{"seed", 1.5}}}}, "train.seed must be an integer");
  expect_error({{"model", {{"pos_encoding", "nope"}}}},
               "model.pos_encoding = \"nope\" is not one of none|sinusoidal|learned|rope|alibi|normalized|index|t5_bias");
  expect_error({{"model", {{"pos_encoding", 0}}}}, "model.pos_encoding must be one of none|sinusoidal");
  expect_error({{"model", {{"attention", "causal "}}}}, "model.attention = \"causal \" is not one of causal|bidirectional");
  expect_error({{"model", {{"norm", "mid"}}}}, "model.norm = \"mid\" is not one of pre|post|none");
  expect_error({{"model", {{"init", {{"scheme", "he"}}}}}}, "model.init.scheme = \"he\" is not one of normal|xavier|kaiming|gpt2");
  expect_error({{"task", {{"name", "translate"}}}},
               "task.name = \"translate\" is not one of copy|reverse|sort|position|kth|count|parity|add|add_lsd|lm");
}

TEST_CASE("every range is enforced at both ends with the range in the message", "[config]") {
  struct Case {
    const char* assignment;
    const char* message;
  };
  const Case cases[] = {
      {"model.d_model=4", "model.d_model = 4 is out of range [8, 1024]"},
      {"model.d_model=2048", "model.d_model = 2048 is out of range [8, 1024]"},
      {"model.n_heads=0", "model.n_heads = 0 is out of range [1, 32]"},
      {"model.n_heads=33", "model.n_heads = 33 is out of range [1, 32]"},
      {"model.n_layers=0", "model.n_layers = 0 is out of range [1, 16]"},
      {"model.n_layers=17", "model.n_layers = 17 is out of range [1, 16]"},
      {"model.d_ff=0", "model.d_ff = 0 is out of range [1, 4096]"},
      {"model.d_ff=4097", "model.d_ff = 4097 is out of range [1, 4096]"},
      {"model.init.std=0", "model.init.std = 0 is out of range (0, 10]"},
      {"model.init.std=10.5", "model.init.std = 10.5 is out of range (0, 10]"},
      {"model.init.embed_std=-1", "model.init.embed_std = -1 is out of range (0, 10]"},
      {"model.init.embed_std=11", "model.init.embed_std = 11 is out of range (0, 10]"},
      {"task.train_len=0", "task.train_len = 0 is out of range [1, 256]"},
      {"task.train_len=257", "task.train_len = 257 is out of range [1, 256]"},
      {"task.test_len=0", "task.test_len = 0 is out of range [1, 256]"},
      {"task.test_len=300", "task.test_len = 300 is out of range [1, 256]"},
      {"task.vocab_size=1", "task.vocab_size = 1 is out of range [2, 256]"},
      {"task.vocab_size=257", "task.vocab_size = 257 is out of range [2, 256]"},
      {"train.steps=-1", "train.steps = -1 is out of range [0, 1000000]"},
      {"train.steps=1000001", "train.steps = 1000001 is out of range [0, 1000000]"},
      {"train.batch_size=0", "train.batch_size = 0 is out of range [1, 512]"},
      {"train.batch_size=513", "train.batch_size = 513 is out of range [1, 512]"},
      {"train.lr=0", "train.lr = 0 is out of range (0, 1]"},
      {"train.lr=2", "train.lr = 2 is out of range (0, 1]"},
      {"train.weight_decay=-0.1", "train.weight_decay = -0.1 is out of range [0, 10]"},
      {"train.weight_decay=11", "train.weight_decay = 11 is out of range [0, 10]"},
      {"train.warmup=-1", "train.warmup = -1 is out of range [0, 1000000]"},
      {"train.clip=-1", "train.clip = -1 is out of range [0, 1000000]"},
      {"train.clip=2e6", "train.clip = 2000000.0 is out of range [0, 1000000]"},
      {"train.seed=-1", "train.seed = -1 is out of range [0, 9007199254740991]"},
      {"train.seed=9007199254740992", "train.seed = 9007199254740992 is out of range [0, 9007199254740991]"},
      {"train.lr=1e400", "train.lr must be a number"},  // not JSON-representable: read as a string
  };
  for (const Case& c : cases) expect_error(with(c.assignment), c.message);
  // The ends themselves are allowed.
  for (const char* ok : {"model.d_model=8", "model.n_heads=1", "model.init.std=10", "train.lr=1", "train.steps=0",
                         "train.clip=0", "train.weight_decay=0", "train.seed=0", "task.vocab_size=256"}) {
    INFO(ok);
    json j = with(ok);
    if (j.contains("train") && j["train"].contains("steps")) j["train"]["warmup"] = 0;
    CHECK_NOTHROW(config_from_json(j));
  }
}

TEST_CASE("cross-field rules name both fields", "[config]") {
  expect_error({{"model", {{"d_model", 60}, {"n_heads", 8}}}}, "model.d_model = 60 must be divisible by model.n_heads = 8");
  expect_error({{"model", {{"d_model", 60}, {"n_heads", 20}, {"pos_encoding", "rope"}}}},
               "model.pos_encoding = rope needs an even head size, but d_model / n_heads = 3");
  CHECK_NOTHROW(config_from_json({{"model", {{"d_model", 60}, {"n_heads", 20}, {"pos_encoding", "alibi"}}}}));
  expect_error({{"model", {{"d_model", 63}, {"n_heads", 1}, {"pos_encoding", "sinusoidal"}}}},
               "model.pos_encoding = sinusoidal needs an even model.d_model, got 63");
  expect_error({{"task", {{"train_len", 10}, {"test_len", 5}}}}, "task.test_len = 5 must be at least task.train_len = 10");
  CHECK_NOTHROW(config_from_json({{"task", {{"train_len", 5}, {"test_len", 5}}}}));
  expect_error({{"task", {{"name", "parity"}, {"vocab_size", 4}}}},
               "task.vocab_size = 4 must be 2 for task.name = parity");
  expect_error({{"task", {{"name", "add"}, {"train_len", 200}, {"test_len", 256}}}},
               "task.test_len = 256 gives sequences of 771 tokens for task add, above the limit of 512");
  expect_error({{"train", {{"steps", 10}, {"warmup", 20}}}}, "train.warmup = 20 must not exceed train.steps = 10");
  CHECK_NOTHROW(config_from_json({{"train", {{"steps", 10}, {"warmup", 10}}}}));
}

TEST_CASE("the memory limit gives the estimate and the limit", "[config]") {
  // About 1390 MiB at batch 32 and 720 MiB at batch 16 (241 tokens).
  const json big = {{"model", {{"d_model", 256}, {"n_layers", 4}, {"d_ff", 1024}}},
                    {"task", {{"train_len", 100}, {"test_len", 120}}},
                    {"train", {{"batch_size", 32}}}};
  INFO(big.dump());
  CHECK_THROWS_WITH(config_load(big),
                    Catch::Contains("this configuration needs about 139") &&
                        Catch::Contains("MiB (parameters, gradients, AdamW state and one training step's activations "
                                        "at train.batch_size = 32 and 241 tokens), above the limit of 1024 MiB"));
  json smaller = big;
  smaller["train"]["batch_size"] = 16;
  CHECK_NOTHROW(config_load(smaller));
  CHECK(config_step_bytes(config_from_json(smaller)) < Limits::max_bytes);
}

TEST_CASE("the memory estimate tracks what a training step allocates", "[config]") {
  for (const char* norm : {"pre", "post"}) {
    json j = {{"model", {{"d_model", 32}, {"n_heads", 4}, {"n_layers", 2}, {"d_ff", 96}, {"norm", norm},
                         {"pos_encoding", "learned"}}},
              {"task", {{"train_len", 8}, {"test_len", 12}, {"vocab_size", 10}}},
              {"train", {{"batch_size", 8}, {"steps", 10}, {"warmup", 1}}}};
    const Config c = config_from_json(j);
    Trainer tr = fresh_trainer(c);
    // One step at the longest sequence the config allows.
    tr.cfg.task.train_len = c.task.test_len;
    trainer_step(tr, 1);
    const double actual = sizeof(float) * double(tr.model.params.size() + tr.model.grads.size() + tr.opt.m.size() +
                                                 tr.opt.v.size() + tr.model.acts.size() + tr.model.dacts.size());
    const double estimate = config_step_bytes(c);
    INFO(norm << ": estimate " << estimate << " bytes, actual " << actual);
    CHECK(estimate > 0.9 * actual);
    CHECK(estimate < 1.1 * actual);
  }
}

TEST_CASE("--set assignments", "[config]") {
  json j = json::object();
  config_set(j, "model.n_layers=3");
  config_set(j, "model.pos_encoding=rope");  // bare words are strings
  config_set(j, "model.bias=false");
  config_set(j, "train.lr=0.01");
  config_set(j, "model.init.std=0.5");  // creates model.init
  config_set(j, "task.name=\"reverse\"");  // quoted JSON strings work too
  config_set(j, "train.seed=42");
  config_set(j, "train.seed=43");  // the last assignment wins
  CHECK(j["model"]["init"] == json({{"std", 0.5}}));
  const Config c = config_from_json(j);
  CHECK(c.model.n_layers == 3);
  CHECK(c.model.pos_encoding == PosEncoding::rope);
  CHECK(!c.model.bias);
  CHECK(c.train.lr == 0.01);
  CHECK(c.model.init.std == 0.5);
  CHECK(c.task.name == TaskKind::reverse);
  CHECK(c.train.seed == 43);
  // Typos are still caught, by validation, with the full path.
  json typo = json::object();
  config_set(typo, "model.n_layer=2");
  expect_error(typo, "model.n_layer: unknown field");
  // A value that is a number but a string is expected.
  expect_error(with("model.norm=1"), "model.norm must be one of pre|post|none, got 1");
  // Any bytes may arrive on a command line; the message must still build
  // (found by fuzz/fuzz_config.cpp: dump() threw on invalid UTF-8).
  expect_error(with("model.norm=pr\xff"), "model.norm = \"pr");
  // Non-object roots are replaced by an object.
  json scalar = 5;
  config_set(scalar, "train.steps=7");
  CHECK(scalar == json({{"train", {{"steps", 7}}}}));

  CHECK_THROWS_WITH(config_set(j, "model.n_layers"), Catch::Contains("--set expects path.to.field=value, got 'model.n_layers'"));
  CHECK_THROWS_WITH(config_set(j, "=3"), Catch::Contains("--set expects path.to.field=value"));
  CHECK_THROWS_WITH(config_set(j, ""), Catch::Contains("--set expects path.to.field=value"));
  CHECK_THROWS_WITH(config_set(j, "model..x=3"), Catch::Contains("empty field name in 'model..x'"));
  CHECK_THROWS_WITH(config_set(j, "model.=3"), Catch::Contains("empty field name"));
  CHECK_THROWS_WITH(config_set(j, ".model=3"), Catch::Contains("empty field name"));
  CHECK_THROWS_WITH(config_set(j, "model.n_layers.x=3"), Catch::Contains("model.n_layers is not an object"));
}
