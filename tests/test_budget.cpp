// The memory budget (core/budget.h) is the model's own layout: the bytes it
// reports are exactly what a training step at the longest sequence allocates,
// and the model's rules have one wording wherever they are checked.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"
#include "results_json.h"
#include "schema.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;
using json = nlohmann::json;

TEST_CASE("budget: step bytes equal a training step's allocations", "[budget]") {
  for (const char* pe : {"none", "learned", "rope", "normalized"})
    for (const char* norm : {"pre", "post", "none"}) {
      const Config c = config_load({{"model", {{"d_model", 24}, {"n_heads", 2}, {"n_layers", 2}, {"d_ff", 40},
                                               {"norm", norm}, {"pos_encoding", pe}, {"tie_embeddings", true}}},
                                    {"task", {{"name", "kth"}, {"train_len", 5}, {"test_len", 9}}},
                                    {"train", {{"batch_size", 3}, {"steps", 10}, {"warmup", 1}}}});
      Trainer tr = fresh_trainer(c);
      tr.cfg.task.train_len = c.task.test_len;  // one step at the longest sequence
      trainer_step(tr, 1);
      const double actual = sizeof(float) * double(tr.model.params.size() + tr.model.grads.size() + tr.opt.m.size() +
                                                   tr.opt.v.size() + tr.model.acts.size() + tr.model.dacts.size());
      INFO(pe << " " << norm);
      CHECK(config_step_bytes(c) == actual);
    }
}

TEST_CASE("budget: sizing never overflows, even far past the limits", "[budget]") {
  const ModelConfig m = model_sizes(1024, 32, 16, 4096);
  const ModelSize s = model_size(m, 516, 512, 512, 512);
  CHECK(double(s.activations) > 4.0e9);  // more than a 32-bit count holds
}

TEST_CASE("budget: the model's rules have one wording in config and model", "[budget]") {
  ModelConfig m;
  m.d_model = 60;
  m.n_heads = 8;
  Model model;
  CHECK_THROWS_WITH(model_build(model, m, 10, 8), "model.d_model = 60 must be divisible by model.n_heads = 8");
  m.n_heads = 20;
  m.pos_encoding = PosEncoding::rope;
  CHECK_THROWS_WITH(model_build(model, m, 10, 8),
                    "model.pos_encoding = rope needs an even head size, but d_model / n_heads = 3");
}

TEST_CASE("budget: config_from_json checks the config alone, config_load the budget", "[budget]") {
  const json long_add = {{"task", {{"name", "add"}, {"train_len", 200}, {"test_len", 256}}}};
  CHECK_NOTHROW(config_from_json(long_add));
  CHECK_THROWS_WITH(config_load(long_add), Catch::Contains("gives sequences of 771 tokens"));
  Trainer tr;
  CHECK_THROWS_WITH(trainer_init(tr, config_from_json(long_add)), Catch::Contains("gives sequences of 771 tokens"));
}

TEST_CASE("results: one shape for evaluation and step metrics", "[results]") {
  Trainer tr;
  trainer_init(tr, config_load({{"model", {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 16}}},
                                {"task", {{"train_len", 3}, {"test_len", 5}}}}));
  const json step = step_metrics_json(trainer_step(tr, 2));
  for (const char* k : {"step", "loss", "lr", "grad_norm", "token_acc", "batch_hash"}) CHECK(step.contains(k));
  CHECK(step.size() == 6);
  CHECK(step["batch_hash"].get<std::string>().size() == 16);
  const json e = eval_result_json(evaluate_checked(tr.model, tr.cfg.task, 1, 4, 8), tr.cfg.task.train_len);
  CHECK(e == json({{"length", 4}, {"seq_len", 9}, {"loss", e["loss"]}, {"token_acc", e["token_acc"]},
                   {"seq_acc", e["seq_acc"]}, {"examples", 8}, {"trained", false}}));
  CHECK_THROWS_WITH(evaluate_checked(tr.model, tr.cfg.task, 1, 6, 8), "length 6 is out of range [1, 5]");
  CHECK_THROWS_WITH(evaluate_checked(tr.model, tr.cfg.task, 1, 2, ResultLimits::max_eval_examples + 1),
                    "examples 100001 is out of range [1, 100000]");
  const json info = trainer_info_json(tr);
  CHECK(info["step"] == 2);
  CHECK(info["config"] == config_to_json(tr.cfg));
}

TEST_CASE("schema: every field the parser reads, with the parser's ranges and defaults", "[schema]") {
  const json s = config_schema_json();
  const json defaults = config_to_json(Config());
  REQUIRE(s["fields"].size() == 26);
  for (const json& f : s["fields"]) {
    const std::string path = f["path"];
    INFO(path);
    const size_t dot = path.find('.');
    json::json_pointer ptr("/" + path.substr(0, dot) + "/" + path.substr(dot + 1));
    if (path.rfind("model.init.", 0) == 0) ptr = json::json_pointer("/model/init/" + path.substr(11));
    CHECK(f["default"] == defaults.at(ptr));
    CHECK_FALSE(f["doc"].get<std::string>().empty());
    // The ends are accepted, one past them is not (open ends excluded).
    if (f["type"] == "int") {
      for (const char* end : {"min", "max"}) {
        json j = defaults;
        j[ptr] = f[end];
        if (path == "train.steps") j["train"]["warmup"] = 0;
        if (path == "train.warmup") j["train"]["steps"] = f[end];
        if (path == "task.train_len" || path == "task.test_len") j["task"]["train_len"] = j["task"]["test_len"] = f[end];
        if (path == "model.n_heads") j["model"]["d_model"] = 32 * f[end].get<int>();
        if (path == "model.d_model") j["model"]["n_heads"] = 1;
        CHECK_NOTHROW(config_from_json(j));
      }
      json below = defaults, above = defaults;
      below[ptr] = f["min"].get<long long>() - 1;
      above[ptr] = f["max"].get<double>() + 1;
      CHECK_THROWS_WITH(config_from_json(below), Catch::Contains(path));
      CHECK_THROWS_WITH(config_from_json(above), Catch::Contains(path));
    }
    if (f["type"] == "enum")
      for (const json& v : f["values"]) {
        json j = defaults;
        j[ptr] = v;
        if (path == "task.name" && v == "parity") j["task"]["vocab_size"] = 2;
        CHECK_NOTHROW(config_from_json(j));
      }
  }
  CHECK(s["sites"].size() == kNumSites);
}
