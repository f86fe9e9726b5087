// Sweeps: spec parsing and every refusal, run enumeration, the seed interval
// against hand-computed values, shard partition, merge refusals, and
// threaded runs equal to serial ones.
#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "error.h"
#include "sweep/axis_arg.h"
#include "sweep/parallel.h"
#include "sweep/plan.h"
#include "sweep/result.h"
#include "sweep/run.h"
#include "sweep/shard.h"
#include "sweep/spec.h"

using namespace nope;
using json = nlohmann::json;

// A model small enough that a run takes milliseconds.
static json tiny_base() {
  return json{{"model", {{"d_model", 16}, {"n_heads", 2}, {"n_layers", 2}, {"d_ff", 32}}},
              {"task", {{"name", "copy"}, {"train_len", 4}, {"test_len", 6}, {"vocab_size", 8}}},
              {"train", {{"steps", 0}, {"warmup", 0}, {"batch_size", 4}, {"seed", 7}}}};
}

static json tiny_spec() {
  return json{{"base", tiny_base()},
              {"axes", {{{"path", "model.init.std"}, {"values", {0.02, 0.2}}}, {{"path", "model.d_model"}, {"values", {16, 32}}}}},
              {"seeds", 3},
              {"analysis", {{"batch", 8}}}};
}

static void refuses(const json& spec, const std::string& needle) {
  INFO(spec.dump());
  CHECK_THROWS_WITH(sweep_spec_from_json(spec), Catch::Contains(needle));
}

// A spec with one field replaced.
static json with(const char* key, const json& v) {
  json s = tiny_spec();
  s[key] = v;
  return s;
}

static json axis(const std::string& path, const json& values) { return json{{"path", path}, {"values", values}}; }
// A list of axes (a braced list of one json would be that json, not an array).
static json axes(std::vector<json> list) { return json(list); }

// A result without the fields allowed to differ between equal sweeps.
static json untimed(json result) {
  result.erase("timing");
  for (json& r : result["runs"]) r.erase("seconds");
  return result;
}

TEST_CASE("sweep spec: defaults, normalisation and the preset form", "[sweep]") {
  const SweepSpec s = sweep_spec_from_json(json{{"axes", axes({axis("model.init.std", {0.01, 0.02})})}});
  CHECK(s.seeds == 1);
  // The default config trains (train.steps = 1000), so loss and accuracies join.
  CHECK(s.measures ==
        std::vector<std::string>{"adjacency", "variance_slope", "final_loss", "seq_acc_train", "seq_acc_test"});
  CHECK(sweep_spec_from_json(tiny_spec()).measures == std::vector<std::string>{"adjacency", "variance_slope"});
  CHECK(s.analysis.layer == 0);
  CHECK(s.analysis.site == Site::attn_out);
  CHECK(s.analysis.batch == 64);
  CHECK(s.eval_examples == 256);
  CHECK(s.max_runs == 5000);
  const json norm = sweep_spec_to_json(s);
  CHECK(norm["format"] == "nopelab-sweep");
  CHECK(norm["base"] == config_to_json(config_from_json(json::object())));  // the full config
  CHECK(sweep_spec_to_json(sweep_spec_from_json(norm)) == norm);             // idempotent

  // Training anywhere (here only on an axis) adds loss and accuracies.
  json t = tiny_spec();
  t["axes"] = axes({axis("train.steps", {0, 5})});
  CHECK(sweep_spec_from_json(t).measures ==
        std::vector<std::string>{"adjacency", "variance_slope", "final_loss", "seq_acc_train", "seq_acc_test"});

  // Measures come back in canonical order whatever order they were given in.
  CHECK(sweep_spec_from_json(with("measures", {"variance_slope", "adjacency"})).measures ==
        std::vector<std::string>{"adjacency", "variance_slope"});

  // A preset carrying a sweep: its config is the base.
  const json preset{{"id", "x"}, {"title", "t"}, {"config", tiny_base()},
                    {"sweep", {{"axes", axes({axis("analysis.site", {"attn_out", "resid_post"})})}, {"seeds", 2}}}};
  const SweepSpec p = sweep_spec_from_json(preset);
  CHECK(p.base["model"]["d_model"] == 16);
  CHECK(sweep_run_count(p) == 4);
}

TEST_CASE("sweep spec: every refusal names the field", "[sweep]") {
  refuses(json::array(), "must be a JSON object");
  refuses(with("colour", "red"), "colour: unknown field");
  refuses(with("format", "other"), "format");
  refuses(with("version", 2), "version = 2");
  refuses(with("base", {{"model", {{"d_model", -1}}}}), "base: model.d_model");
  refuses(with("axes", json::array()), "axes must be");
  refuses(with("axes", axes({axis("model.foo", {1})})), "axes[0] (model.foo): unknown path");
  refuses(with("axes", axes({axis("model", {1})})), "unknown path");
  refuses(with("axes", axes({axis("model.init.std", {0.02, -1})})), "axes[0] (model.init.std) value -1: model.init.std = -1 is out of range");
  refuses(with("axes", axes({axis("model.d_model", {"big"})})), "axes[0] (model.d_model) value \"big\": model.d_model must be an integer");
  refuses(with("axes", axes({axis("model.pos_encoding", {"none", "fourier"})})), "is not one of");
  refuses(with("axes", axes({axis("model.init.std", json::array())})), "axes[0] (model.init.std) is empty");
  refuses(with("axes", axes({axis("model.init.std", {0.1, 0.1})})), "lists 0.1 twice");
  refuses(with("axes", axes({axis("model.init.std", {{{"a", 1}}})})), "must be numbers, strings or booleans");
  refuses(with("axes", axes({axis("model.init.std", {0.1}), axis("model.init.std", {0.2})})), "already axes[0]");
  refuses(with("axes", axes({axis("model.init.std", {0.1}), axis("model.d_model", {16}), axis("model.d_ff", {32}),
                        axis("train.seed", {1})})),
          "at most 3");
  refuses(with("axes", axes({axis("analysis.batch", {8, 16})})), "only analysis.layer and analysis.site");
  refuses(with("axes", axes({axis("analysis.site", {"attn_out", "middle"})})), "is not one of embed|norm1");
  refuses(with("axes", axes({axis("analysis.layer", {0, 5})})), "analysis.layer = 5 but model.n_layers = 2");
  // A combination only a cell can refuse: 32 is not divisible by 3 heads.
  refuses(with("axes", axes({axis("model.d_model", {30, 32}), axis("model.n_heads", {2, 3})})), "must be divisible");
  refuses(with("seeds", 0), "seeds = 0 is out of range [1, 1000]");
  refuses(with("seeds", 2.5), "seeds must be an integer");
  refuses(with("max_runs", 11), "the sweep has 12 runs (4 cells x 3 seeds), more than max_runs = 11");
  refuses(with("measures", {"adjacency", "beauty"}), "measures has \"beauty\"");
  refuses(with("measures", {"adjacency", "adjacency"}), "twice");
  refuses(with("measures", json::array()), "non-empty");
  refuses(with("analysis", {{"site", "middle"}}), "analysis.site = \"middle\"");
  refuses(with("analysis", {{"layer", 2}}), "analysis.layer = 2 but model.n_layers = 2");
  refuses(with("analysis", {{"layer", -1}}), "analysis.layer = -1 is out of range");
  refuses(with("analysis", {{"input", "noise"}}), "analysis.input");
  refuses(with("analysis", {{"length", 40}}), "longer than the model's maximum");
  refuses(with("analysis", {{"depth", 1}}), "analysis.depth: unknown field");
  json probes = with("measures", {"probe_mad_hidden"});
  probes["analysis"]["batch"] = 2;
  refuses(probes, "probes need at least 3 sequences");
  refuses(with("eval", {{"examples", 0}}), "eval.examples = 0");
  json preset{{"config", tiny_base()}, {"sweep", {{"base", tiny_base()}, {"axes", axes({axis("model.d_model", {16})})}}}};
  refuses(preset, "sweep.base");
}

TEST_CASE("sweep runs: row-major over the axes, seed innermost", "[sweep]") {
  json j = tiny_spec();
  j["axes"] = axes({axis("model.init.std", {0.01, 0.02, 0.05}), axis("analysis.layer", {0, 1})});
  j["seeds"] = 4;
  const SweepSpec s = sweep_spec_from_json(j);
  REQUIRE(sweep_cell_count(s) == 6);
  REQUIRE(sweep_run_count(s) == 24);
  const double stds[] = {0.01, 0.02, 0.05};
  for (int r = 0; r < 24; r++) {
    const SweepRunPlan p = sweep_plan_run(s, r);
    CHECK(p.cell == r / 4);
    CHECK(p.seed_index == r % 4);
    CHECK(p.seed == 7u + (unsigned)(r % 4));
    CHECK(p.cfg.train.seed == p.seed);
    CHECK(p.cfg.model.init.std == stds[p.cell / 2]);
    CHECK(p.analysis.layer == p.cell % 2);
    CHECK(p.cell_values == json{{"model.init.std", stds[p.cell / 2]}, {"analysis.layer", p.cell % 2}});
  }
  CHECK_THROWS_WITH(sweep_plan_run(s, 24), Catch::Contains("run 24 is out of range [0, 23]"));
  CHECK_THROWS_WITH(sweep_plan_run(s, -1), Catch::Contains("out of range"));
}

TEST_CASE("sweep run record: the probe controls and equivariance", "[sweep]") {
  json j = tiny_spec();
  j["measures"] = {"probe_mad_cosine_past", "probe_mad_cosine_first", "equivariance"};
  const json v = sweep_run(sweep_spec_from_json(j), 0)["values"];
  CHECK(v.size() == 4);  // three measures + probe_mad_landmark
  CHECK(v["probe_mad_cosine_past"].get<double>() > 0);
  CHECK(v["probe_mad_cosine_first"].get<double>() > 0);
  CHECK(v["probe_mad_landmark"].get<double>() > 0);
  CHECK(v["equivariance"].get<double>() > 1e-2);  // the tiny spec is causal
}

TEST_CASE("sweep run record: shape, measures, null where untrained", "[sweep]") {
  json j = tiny_spec();
  j["axes"] = axes({axis("train.steps", {0, 3})});
  j["measures"] = {"adjacency", "variance_slope", "probe_mad_variance", "final_loss", "seq_acc_test", "token_acc_test"};
  j["eval"] = {{"examples", 16}};
  const SweepSpec s = sweep_spec_from_json(j);
  const json untrained = sweep_run(s, 1);
  CHECK(untrained["run"] == 1);
  CHECK(untrained["cell"] == 0);
  CHECK(untrained["seed_index"] == 1);
  CHECK(untrained["seed"] == 8);
  CHECK(untrained["cell_values"] == json{{"train.steps", 0}});
  CHECK(untrained["seconds"].get<double>() >= 0);
  const json& v = untrained["values"];
  CHECK(v.size() == 8);  // six measures + adjacency_chance + probe_mad_baseline
  CHECK(v["adjacency"].get<double>() >= 0);
  CHECK(v["adjacency"].get<double>() <= 1);
  CHECK(v["adjacency_chance"].get<double>() == Approx(2.0 / 9));  // copy, 4 items: T = 9
  CHECK(v["probe_mad_baseline"].get<double>() == Approx((81.0 - 1) / 27));
  CHECK(v["final_loss"].is_null());
  CHECK(v["seq_acc_test"].is_null());
  const json trained = sweep_run(s, 3);
  CHECK(trained["values"]["final_loss"].get<double>() > 0);
  CHECK(trained["values"]["token_acc_test"].get<double>() >= 0);
  // The same run twice: the same record apart from its time.
  json a = sweep_run(s, 3), b = trained;
  a.erase("seconds");
  b.erase("seconds");
  CHECK(a == b);
}

TEST_CASE("sweep cells: mean and Student-t interval against hand-computed values", "[sweep]") {
  json j = tiny_spec();
  j["axes"] = axes({axis("model.init.std", {0.02, 0.1})});
  j["seeds"] = 4;
  j["measures"] = {"variance_slope"};
  const SweepSpec s = sweep_spec_from_json(j);
  auto rec = [&](int run, json value) {
    return json{{"run", run}, {"cell", run / 4}, {"seed_index", run % 4}, {"values", {{"variance_slope", value}}}};
  };
  // Cell 0: 1, 2, 3, 4. Cell 1: seed 0 = 5, seed 1 null, seed 2 missing, seed 3 = 6.
  std::vector<json> records{rec(3, 4.0), rec(0, 1.0), rec(2, 3.0), rec(1, 2.0), rec(4, 5.0), rec(5, nullptr), rec(7, 6.0)};
  const std::vector<json> sorted = sweep_check_records(s, records);
  CHECK(sorted[0]["run"] == 0);
  CHECK(sorted.back()["run"] == 7);
  const json cells = sweep_cells(s, sorted);
  REQUIRE(cells.size() == 2);
  const json& m0 = cells[0]["measures"]["variance_slope"];
  CHECK(m0["n"] == 4);
  CHECK(m0["mean"].get<double>() == Approx(2.5));
  // sd = sqrt(5/3) = 1.2909944; t_{0.975,3} = 3.182; ci = 3.182 * sd / 2.
  CHECK(m0["ci"].get<double>() == Approx(2.0539722).epsilon(1e-6));
  CHECK(m0["values"] == json{1.0, 2.0, 3.0, 4.0});
  const json& m1 = cells[1]["measures"]["variance_slope"];
  CHECK(m1["n"] == 2);
  CHECK(m1["mean"].get<double>() == Approx(5.5));
  // sd = sqrt(0.5) = 0.7071068; t_{0.975,1} = 12.706; ci = 12.706 * sd / sqrt(2) = 6.353.
  CHECK(m1["ci"].get<double>() == Approx(6.353).epsilon(1e-9));
  CHECK(m1["values"] == json{5.0, nullptr, nullptr, 6.0});
  CHECK(cells[1]["values"] == json{{"model.init.std", 0.1}});

  // One value: ci 0; none: mean and ci null.
  const json one = sweep_cells(s, sweep_check_records(s, {rec(4, 5.0)}));
  CHECK(one[1]["measures"]["variance_slope"]["ci"] == 0.0);
  CHECK(one[0]["measures"]["variance_slope"]["mean"].is_null());
  CHECK(one[0]["measures"]["variance_slope"]["n"] == 0);

  CHECK_THROWS_WITH(sweep_check_records(s, {rec(1, 1.0), rec(1, 1.0)}), Catch::Contains("run 1 appears twice"));
  CHECK_THROWS_WITH(sweep_check_records(s, {rec(8, 1.0)}), Catch::Contains("out of range [0, 7]"));
  json wrong = rec(1, 1.0);
  wrong["cell"] = 1;
  CHECK_THROWS_WITH(sweep_check_records(s, {wrong}), Catch::Contains("must have cell 0"));
  CHECK_THROWS_WITH(sweep_check_records(s, {json{{"cell", 0}}}), Catch::Contains("no run index"));

  const std::string csv = sweep_csv(sweep_result(s, sorted, SweepShard{}, 0, 1));
  CHECK(csv.rfind("cell,model.init.std,variance_slope_mean,variance_slope_ci,variance_slope_n\n0,0.02,2.5,", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 3);
}

TEST_CASE("sweep shards partition the runs; parse refusals", "[sweep]") {
  for (int n : {1, 2, 3, 7}) {
    std::vector<int> count(20, 0);
    for (int i = 0; i < n; i++)
      for (int r : sweep_shard_runs(20, SweepShard{i, n})) {
        CHECK(sweep_shard_owns(SweepShard{i, n}, r));
        count[r]++;
      }
    for (int c : count) CHECK(c == 1);
  }
  CHECK(sweep_shard_parse("2/5").index == 2);
  CHECK(sweep_shard_parse("2/5").count == 5);
  for (const char* bad : {"5/5", "-1/2", "1", "a/2", "1/0", "1/", "/3", "1/2x"})
    CHECK_THROWS_WITH(sweep_shard_parse(bad), Catch::Contains("I/N"));
}

TEST_CASE("sweep merge: equals the unsharded sweep; refuses foreign specs, overlaps and gaps", "[sweep]") {
  const SweepSpec s = sweep_spec_from_json(tiny_spec());
  const int n = sweep_run_count(s);
  std::vector<json> all;
  for (int r = 0; r < n; r++) all.push_back(sweep_run(s, r));
  const json whole = sweep_result(s, all, SweepShard{}, 1.0, 1);
  std::vector<std::pair<std::string, json>> parts;
  for (int i = 0; i < 3; i++) {
    std::vector<json> mine;
    for (int r : sweep_shard_runs(n, SweepShard{i, 3})) mine.push_back(all[r]);
    parts.emplace_back("part" + std::to_string(i), sweep_result(s, mine, SweepShard{i, 3}, 0.5, 1));
  }
  CHECK(untimed(sweep_merge({parts[2], parts[0], parts[1]})) == untimed(whole));

  CHECK_THROWS_WITH(sweep_merge({parts[0], parts[1]}), Catch::Contains("are in no part (runs 2, 5, 8, 11)"));
  CHECK_THROWS_WITH(sweep_merge({parts[0], parts[1], parts[2], parts[1]}),
                    Catch::Contains("run 1 is in both part1 and part1"));
  json foreign_spec = tiny_spec();
  foreign_spec["seeds"] = 2;
  const SweepSpec f = sweep_spec_from_json(foreign_spec);
  const json foreign = sweep_result(f, {}, SweepShard{}, 0, 1);
  CHECK_THROWS_WITH(sweep_merge({parts[0], {"other.json", foreign}}),
                    Catch::Contains("other.json belongs to a different sweep than part0: their specs differ (first difference at /seeds)"));
  CHECK_THROWS_WITH(sweep_merge({{"x.json", json{{"format", "nopelab-analysis"}}}}), Catch::Contains("x.json is not a sweep result"));
  CHECK_THROWS_WITH(sweep_merge({}), Catch::Contains("at least one"));
}

#ifndef __EMSCRIPTEN__  // the wasm build has no threads; the page runs a worker pool instead
TEST_CASE("sweep on two threads gives the records of one thread", "[sweep]") {
  const SweepSpec s = sweep_spec_from_json(tiny_spec());
  std::vector<int> runs;
  for (int r = 0; r < sweep_run_count(s); r++) runs.push_back(r);
  int callbacks = 0;
  std::vector<json> one = sweep_run_parallel(s, runs, 1, nullptr);
  std::vector<json> two = sweep_run_parallel(s, runs, 2, [&](const json&) { callbacks++; });
  CHECK(callbacks == (int)runs.size());
  REQUIRE(one.size() == two.size());
  for (size_t i = 0; i < one.size(); i++) {
    one[i].erase("seconds");
    two[i].erase("seconds");
    CHECK(one[i].dump() == two[i].dump());
  }
}
#endif

TEST_CASE("a diverged training run is a record with an error and null values", "[sweep]") {
  json base = tiny_base();
  base["model"]["n_layers"] = 6;
  base["model"]["norm"] = "none";
  base["train"]["steps"] = 5;
  json j{{"base", base}, {"axes", axes({axis("model.init.std", {0.02, 10})})}, {"analysis", {{"batch", 8}}}};
  const SweepSpec s = sweep_spec_from_json(j);
  const json fine = sweep_run(s, 0), diverged = sweep_run(s, 1);
  CHECK_FALSE(fine.contains("error"));
  CHECK(fine["values"]["final_loss"].is_number());
  REQUIRE(diverged.contains("error"));
  CHECK_THAT(diverged["error"].get<std::string>(), Catch::Contains("diverged"));
  for (const auto& v : diverged["values"].items()) CHECK(v.value().is_null());
  const json cells = sweep_cells(s, {fine, diverged});
  CHECK(cells[1]["measures"]["adjacency"]["n"] == 0);
}

TEST_CASE("--axis arguments: lists, range and logrange", "[sweep]") {
  CHECK(sweep_axis_from_arg("model.attention=causal,bidirectional") ==
        axis("model.attention", {"causal", "bidirectional"}));
  CHECK(sweep_axis_from_arg("model.d_model=range(32,128,4)") == axis("model.d_model", {32, 64, 96, 128}));
  CHECK(sweep_axis_from_arg("model.d_model=range(32,128,4)")["values"][1].is_number_integer());
  // Rounded to 12 significant digits: the end is 0.1, not 0.09999999999999999.
  CHECK(sweep_axis_from_arg("model.init.std=logrange(0.01,0.1,3)") ==
        axis("model.init.std", {0.01, 0.0316227766017, 0.1}));
  CHECK(sweep_axis_from_arg("train.seed=range(5, 5, 1)") == axis("train.seed", {5}));
  CHECK(sweep_axis_from_arg("x=1,true,\"a\",b") == axis("x", {1, true, "a", "b"}));
  CHECK_THROWS_WITH(sweep_axis_from_arg("model.d_model"), Catch::Contains("--axis expects path=v1,v2"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("=1,2"), Catch::Contains("--axis expects path=v1,v2"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=1,,2"), Catch::Contains("--axis x: empty value in '1,,2'"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(1,2)"), Catch::Contains("integer count n in [1, 10000]"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(1,2,10001)"), Catch::Contains("integer count n in [1, 10000]"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(1,2,a)"), Catch::Contains("needs finite numbers, got 'a'"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=logrange(0,1,3)"), Catch::Contains("needs a > 0 and b > 0"));
}

// Regressions found by fuzz/fuzz_sweep_spec.cpp.
TEST_CASE("--axis range() refuses blanks, inf, nan and overflow instead of making 0 or null values", "[sweep]") {
  // strtod converts nothing in " " but the trailing-space skip used to accept it as 0.
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range( ,1,3)"), Catch::Contains("needs finite numbers, got ' '"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(,1,3)"), Catch::Contains("needs finite numbers"));
  // inf and nan dumped as null, so the config saw a value nobody wrote.
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(0,inf,3)"), Catch::Contains("needs finite numbers, got 'inf'"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(nan,1,3)"), Catch::Contains("needs finite numbers, got 'nan'"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=range(-1e308,1e308,3)"), Catch::Contains("overflows the range of a double"));
  CHECK_THROWS_WITH(sweep_axis_from_arg("x=logrange(1e-300,1e300,3)"), Catch::Contains("overflows"));
}

TEST_CASE("an axis string that is not valid UTF-8 is refused with an error, not a json exception", "[sweep]") {
  // An --axis argument can hold any bytes; dump() of such a string threw json::type_error.
  const json a = sweep_axis_from_arg("model.attention=causal,bi\xff" "directional");
  // (Not refuses(): its INFO would dump() the spec.)
  CHECK_THROWS_WITH(sweep_spec_from_json(with("axes", axes({a}))),
                    Catch::Contains("axes[0] (model.attention) has \"bi") && Catch::Contains("must be valid UTF-8"));
  CHECK_THROWS_WITH(sweep_spec_from_json(with("axes", axes({axis("analysis.site", {"embed", "\xc3"})}))),
                    Catch::Contains("must be valid UTF-8"));
}

TEST_CASE("a sweep of too many runs is refused before its cells are enumerated", "[sweep]") {
  std::vector<int> v(100);
  for (int i = 0; i < 100; i++) v[i] = i;
  // 10^6 cells x 1000 seeds: refused by the budget, not validated cell by cell.
  json spec = with("axes", axes({axis("train.seed", v), axis("task.vocab_size", {4, 5, 6, 7, 8, 9, 10, 11, 12, 13}),
                                 axis("model.init.std", {0.01, 0.02, 0.03, 0.04, 0.05})}));
  spec["seeds"] = 1000;
  spec["max_runs"] = kSweepMaxRunsCap;
  refuses(spec, "the sweep has 5000000 runs (5000 cells x 1000 seeds), more than max_runs = 1000000");
  refuses(with("max_runs", kSweepMaxRunsCap + 1), "max_runs = 1000001 is out of range [1, 1000000]");
}
