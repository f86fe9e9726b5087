// The call layer (core/api.h): one integer check for every caller, presets
// unwrapped, and errors that name the field, the value and the range.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "api.h"
#include "error.h"
#include "json_check.h"

using namespace nope;
using json = nlohmann::json;

static std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("api: the one integer check refuses what a cast would truncate") {
  CHECK(json_int(json(7), "n", 1, 10) == 7);
  CHECK(json_int(json(7.0), "n", 1, 10) == 7);
  CHECK(error_of([] { json_int(json(2.5), "n", 1, 10); }) == "n must be an integer, got 2.5");
  CHECK(error_of([] { json_int(json(1e12), "n", 1, 10); }) == "n = 1000000000000.0 is out of range [1, 10]");
  CHECK(error_of([] { json_int(json(NAN), "n", 1, 10); }) == "n must be an integer, got null");
  CHECK(error_of([] { json_int(json("3"), "n", 1, 10); }) == "n must be an integer, got \"3\"");
  CHECK(error_of([] { json_int(json(nullptr), "n", 1, 10); }) == "n must be an integer, got null");
  CHECK(json_number(7.0) == json(7));
  CHECK(json_number(7.0).is_number_integer());
  CHECK(json_number(2.5).is_number_float());
  CHECK(json_int_field(json::object(), "k", "k", 4, 1, 10) == 4);
}

TEST_CASE("api: a session's step and evaluate check their counts") {
  Trainer tr;
  const json cfg = {{"config", {{"model", {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 32}}},
                                {"task", {{"train_len", 4}, {"test_len", 5}, {"vocab_size", 4}}},
                                {"train", {{"steps", 3}, {"warmup", 0}, {"batch_size", 4}}}}},
                    {"description", "a preset"}};
  const json info = api::create(tr, cfg);  // a preset is unwrapped
  CHECK(info["config"]["model"]["d_model"] == 16);
  CHECK(api::step(tr, json(2))["step"] == 2);
  CHECK(error_of([&] { api::step(tr, json(2.5)); }) == "step count must be an integer, got 2.5");
  CHECK(error_of([&] { api::step(tr, json(0)); }) == "step count = 0 is out of range [1, 100000]");
  CHECK(error_of([&] { api::step(tr, json(1e12)); }).find("out of range") != std::string::npos);
  CHECK(error_of([&] { api::evaluate(tr, json(6), json(8)); }) == "length 6 is out of range [1, 5]");
  CHECK(error_of([&] { api::evaluate(tr, json(4), json("8")); }) == "examples must be an integer, got \"8\"");
  CHECK(api::evaluate(tr, json(4), json(8))["length"] == 4);
  const json all = api::evaluate_lengths(tr, {}, json(4));
  CHECK(all["results"].size() == 5);
  CHECK(error_of([&] { api::evaluate_lengths(tr, {json(7)}, json(4), "--length"); }) ==
        "--length = 7 is out of range [1, 5]");
  // A bad config leaves the session's model as it was.
  CHECK(error_of([&] { api::create(tr, json{{"model", {{"d_model", 3}}}}); }).find("model.d_model") == 0);
  CHECK(tr.step == 2);
}

TEST_CASE("api: configs from files, presets and --set overrides") {
  const Config c = api::load_config(json{{"config", {{"model", {{"n_layers", 3}}}}}}, {"model.d_model=32"});
  CHECK(c.model.n_layers == 3);
  CHECK(c.model.d_model == 32);
  CHECK(error_of([] { api::parse_json("{x", "config"); }).rfind("config is not valid JSON", 0) == 0);
}

TEST_CASE("api: sweep arguments merge into one checked spec") {
  api::SweepArgs a;
  a.config_file = json{{"config", {{"train", {{"steps", 0}}}}}};
  a.sets = {"model.d_model=32"};
  a.axes = {json{{"path", "model.init.std"}, {"values", {0.02, 0.2}}}};
  a.seeds = 2;
  const SweepSpec s = api::sweep_spec(a);
  CHECK(s.base["model"]["d_model"] == 32);
  CHECK(sweep_run_count(s) == 4);
  CHECK(api::sweep_plan(s)["runs"] == 4);
  CHECK(error_of([&] { api::sweep_run(s, json(1.5)); }) == "run must be an integer, got 1.5");
  CHECK(error_of([&] { api::sweep_run(s, json(4)); }).find("run 4 is out of range [0, 3]") != std::string::npos);
  CHECK(error_of([&] { api::sweep_summarize(s, json::object()); }) == "records must be a JSON array of run records");
  a.seeds = 2.5;
  CHECK(error_of([&] { api::sweep_spec(a); }) == "seeds must be an integer, got 2.5");
  a.seeds = nullptr;
  a.spec_file = json::object();
  CHECK(error_of([&] { api::sweep_spec(a); }) == "sweep takes --spec F or --config F, not both");
}

TEST_CASE("api: bench and thread arguments are checked") {
  CHECK(error_of([] { api::bench_training(json(2), json(1)); }) ==
        "benchTraining model = 2 is out of range [0, 1]");
  CHECK(error_of([] { api::bench_training(json(0.5), json(1)); }) == "benchTraining model must be an integer, got 0.5");
  CHECK(error_of([] { api::bench_analysis(json(0)); }) == "benchAnalysis repeats = 0 is out of range [1, 1000]");
  CHECK(error_of([] { api::set_threads(json(2), 1); }) ==
        "setThreads: n = 2 is outside [1, 1] (the threads this module was started with)");
  CHECK(error_of([] { api::set_threads(json(1.5), 1); }) == "setThreads: n must be an integer, got 1.5");
}

TEST_CASE("api: a Session refuses calls before a model and keeps its model when a load fails") {
  api::Session s;
  CHECK(error_of([&] { s.info(); }) == "no model yet: call create(config) first");
  CHECK(error_of([&] { s.save_safetensors(); }) == "no model yet: call create(config) first");
  const json cfg = {{"model", {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 32}}},
                    {"task", {{"train_len", 4}, {"test_len", 5}, {"vocab_size", 4}}},
                    {"train", {{"warmup", 0}, {"batch_size", 4}}}};
  CHECK(s.create(cfg)["config"]["model"]["d_model"] == 16);
  CHECK(s.step(json(2))["step"] == 2);
  CHECK(error_of([&] { s.save_checkpoint(json(1)); }) == "with_optimizer must be true or false, got 1");
  const json ck = json::parse(s.save_checkpoint(json(true))["checkpoint"].get<std::string>());
  const std::string st = s.save_safetensors();
  CHECK_FALSE(error_of([&] { s.load_safetensors(st.substr(0, 10)); }).empty());
  CHECK_FALSE(error_of([&] { s.load_checkpoint(json{{"params", 1}}); }).empty());
  CHECK(s.info()["step"] == 2);  // both failed loads kept the model

  api::Session t;  // a load makes a session ready, as create does
  CHECK(t.load_checkpoint(ck)["step"] == 2);
  CHECK(t.save_checkpoint(json(true))["checkpoint"] == ck.dump());
  api::Session u;
  CHECK(u.load_safetensors(st)["step"] == 2);
}
