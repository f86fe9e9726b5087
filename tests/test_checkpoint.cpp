// Checkpoint JSON: round trip (same weights, same loss, training resumes),
// and every malformed or mismatched file gives an error naming the problem
// while leaving the caller's trainer untouched.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "error.h"
#include "small_models.h"

using namespace nope;
using json = nlohmann::json;

static Config small() {
  json j = {{"model", {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 32}, {"pos_encoding", "learned"}}},
            {"task", {{"train_len", 4}, {"test_len", 6}, {"vocab_size", 5}}},
            {"train", {{"steps", 20}, {"batch_size", 4}, {"warmup", 2}}}};
  return config_from_json(j);
}

TEST_CASE("checkpoint round trip keeps weights, optimizer state and loss", "[checkpoint]") {
  Trainer a = fresh_trainer(small());
  trainer_step(a, 5);
  const json j = json::parse(checkpoint_to_json(a, true).dump());
  CHECK(j["format"] == "nopelab-checkpoint");
  CHECK(j["version"] == 1);
  CHECK(j["params"]["h.0.attn.c_attn.weight"]["shape"] == json({48, 16}));
  CHECK(j["params"]["wpe"]["shape"] == json({13, 16}));

  // Weights are written as the shortest decimal that reads back to the
  // same float32 (the comparisons below check the bits survive).
  a.model.params[model_find_tensor(a.model, "wte")->offset] = real(0.02);
  CHECK(checkpoint_to_json(a, false)["params"]["wte"]["data"][0].dump() == "0.02");

  Trainer b;
  checkpoint_from_json(b, json::parse(checkpoint_to_json(a, true).dump()));
  CHECK(b.step == 5);
  CHECK(b.model.params == a.model.params);
  CHECK(b.opt.m == a.opt.m);
  CHECK(b.opt.v == a.opt.v);
  CHECK(b.opt.t == a.opt.t);
  const EvalResult ea = evaluate(a.model, a.cfg.task, 1, 4, 16), eb = evaluate(b.model, b.cfg.task, 1, 4, 16);
  CHECK(ea.loss == eb.loss);
  CHECK_NOTHROW(trainer_step(b, 2));
}

TEST_CASE("every architecture switch round-trips through checkpoint text", "[checkpoint]") {
  const char* variants[][2] = {{"model.pos_encoding", "none"},       {"model.pos_encoding", "sinusoidal"},
                               {"model.pos_encoding", "rope"},       {"model.pos_encoding", "alibi"},
                               {"model.pos_encoding", "normalized"}, {"model.tie_embeddings", "true"},
                               {"model.bias", "false"},              {"model.norm", "none"},
                               {"model.norm", "post"},               {"model.attention", "bidirectional"}};
  for (const auto& v : variants) {
    json cj = config_to_json(small());
    config_set(cj, std::string(v[0]) + "=" + v[1]);
    INFO(cj.dump());
    Trainer a = fresh_trainer(config_from_json(cj));
    trainer_step(a, 2);
    const json j = json::parse(checkpoint_to_json(a, false).dump());
    CHECK(!j.contains("optimizer"));
    // Shapes are as documented: the JSON lists exactly the model's tensors.
    CHECK(j["params"].size() == a.model.tensors.size());
    CHECK(j["params"].contains("lm_head.weight") == !a.cfg.model.tie_embeddings);
    Trainer b;
    checkpoint_from_json(b, j);
    CHECK(b.model.params == a.model.params);
    CHECK(config_to_json(b.cfg) == config_to_json(a.cfg));
    // Same weights, same forward: identical loss on the same batch.
    const Batch& batch = a.batch;
    const double la = model_forward(a.model, batch.tokens.data(), batch.targets.data(), batch.B, batch.T);
    const double lb = model_forward(b.model, batch.tokens.data(), batch.targets.data(), batch.B, batch.T);
    CHECK(la == lb);
  }
}

TEST_CASE("malformed checkpoints are rejected with a clear message", "[checkpoint]") {
  Trainer a = fresh_trainer(small());
  const json good = checkpoint_to_json(a, false);
  Trainer keep = fresh_trainer(small());
  trainer_step(keep, 1);
  const RealVec before = keep.model.params;

  auto expect = [&](json j, const std::string& needle) {
    INFO(needle);
    CHECK_THROWS_WITH(checkpoint_from_json(keep, j), Catch::Contains(needle));
    CHECK(keep.model.params == before);  // a failed load changes nothing
    CHECK(keep.step == 1);
  };
  // base with one change made.
  auto changed = [](json base, auto change) {
    change(base);
    return base;
  };
  const json with_optimizer = checkpoint_to_json(a, true);
  expect(json::array(), "not a JSON object");
  expect(changed(good, [](json& j) { j["format"] = "gguf"; }), "\"format\" must be \"nopelab-checkpoint\"");
  expect(changed(good, [](json& j) { j["version"] = 2; }), "unsupported version 2");
  expect(changed(good, [](json& j) { j.erase("params"); }), "missing \"params\"");
  expect(changed(good, [](json& j) { j["config"]["model"]["d_model"] = 0; }),
         "bad config: model.d_model = 0 is out of range");
  expect(changed(good, [](json& j) { j["params"].erase("h.0.ln_2.bias"); }), "missing tensor params.h.0.ln_2.bias");
  expect(changed(good, [](json& j) { j["params"]["h.0.mlp.c_fc.weight"]["shape"] = {16, 32}; }),
         "tensor params.h.0.mlp.c_fc.weight has shape [16,32], expected [32,16]");
  expect(changed(good, [](json& j) { j["params"]["wte"]["data"].erase(0); }),
         "tensor params.wte must have 128 numbers");
  expect(changed(good, [](json& j) { j["params"]["wte"]["data"][3] = "x"; }),
         "non-finite or non-numeric value at index 3");
  // null: how JSON writers spell NaN
  expect(changed(good, [](json& j) { j["params"]["wte"]["data"][3] = nullptr; }),
         "non-finite or non-numeric value at index 3");
  expect(changed(good, [&](json& j) { j["params"]["lm_head.bias"] = good["params"]["ln_f.bias"]; }),
         "params.lm_head.bias is not a parameter of this configuration");
  // wpe no longer belongs to the config
  expect(changed(good, [](json& j) { j["config"]["model"]["pos_encoding"] = "none"; }),
         "params.wpe is not a parameter");
  expect(changed(good, [](json& j) { j["optimizer"] = {{"t", 1}}; }), "optimizer.m must be an object of tensors");
  expect(changed(good, [](json& j) { j["step"] = -3; }), "\"step\" must be an integer");
  expect(changed(good, [](json& j) { j["step"] = "5"; }), "\"step\" must be an integer");
  expect(changed(good, [](json& j) { j.erase("format"); }), "\"format\" must be \"nopelab-checkpoint\"");
  expect(changed(good, [](json& j) { j["version"] = "1"; }), "unsupported version \"1\"");
  expect(changed(good, [](json& j) { j.erase("version"); }), "unsupported version (missing)");
  expect(changed(good, [](json& j) { j.erase("config"); }), "missing \"config\"");
  expect(changed(good, [](json& j) { j["config"]["model"]["d_modle"] = 16; }),
         "bad config: model.d_modle: unknown field");
  // A valid config the tensors do not match.
  expect(changed(good, [](json& j) { j["config"]["model"]["d_model"] = 32; }),
         "tensor params.wte has shape [8,16], expected [8,32]");
  expect(changed(good, [](json& j) { j["params"] = json::array(); }), "params must be an object of tensors");
  expect(changed(good, [](json& j) { j["params"]["wte"] = json::array(); }),
         "tensor params.wte must have \"shape\" and \"data\"");
  expect(changed(good, [](json& j) { j["params"]["wte"]["data"] = 0; }), "tensor params.wte must have 128 numbers");
  // 1e300: finite as a double, Inf as float32
  expect(changed(good, [](json& j) { j["params"]["wte"]["data"][5] = 1e300; }),
         "non-finite or non-numeric value at index 5: 1e+300");
  expect(changed(with_optimizer, [](json& j) { j["optimizer"]["t"] = -1; }),
         "\"optimizer\" must have an integer \"t\" >= 0");
  expect(changed(with_optimizer, [](json& j) { j["optimizer"]["v"]["ln_f.weight"]["data"][0] = -0.5; }),
         "tensor optimizer.v.ln_f.weight has a negative value at index 0");
  expect(changed(with_optimizer, [](json& j) { j["optimizer"]["m"].erase("wte"); }), "missing tensor optimizer.m.wte");
  // The untouched checkpoint still loads after all that.
  CHECK_NOTHROW(checkpoint_from_json(keep, good));
  CHECK(keep.model.params == a.model.params);
  CHECK(keep.step == 0);
}
