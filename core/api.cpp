#include "api.h"

#include <climits>

#include "bench.h"
#include "checkpoint.h"
#include "error.h"
#include "gemm_choice.h"
#include "json_check.h"
#include "results_json.h"
#include "safetensors.h"
#include "sweep/result.h"
#include "sweep/run.h"
#include "threads.h"

namespace nope::api {

using json = nlohmann::json;

// ------------------------------------------------------------- inputs

json parse_json(const std::string& text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    // -> "invalid JSON at line 1, column 2: ..."
    std::string detail = e.what();
    const size_t at = detail.find("parse error");
    if (at != std::string::npos) detail = "invalid JSON" + detail.substr(at + 11);
    throw Error(std::string(what) + " is not valid JSON: " + detail);
  }
}

Config load_config(const json& j, const std::vector<std::string>& sets) {
  json cfg = config_of_preset(j);
  for (const std::string& s : sets) config_set(cfg, s);
  return config_load(cfg);
}

// ------------------------------------------------------------- a session

json create(Trainer& tr, const json& config) {
  Trainer fresh;
  trainer_init(fresh, load_config(config));
  tr = std::move(fresh);  // only a valid config replaces the session's model
  return trainer_info_json(tr);
}

json step(Trainer& tr, const json& count) {
  const int n = json_int(count, "step count", 1, ResultLimits::max_steps_per_call);
  return step_metrics_json(trainer_step(tr, n));
}

json evaluate(Trainer& tr, const json& length, const json& examples) {
  // The range checks are evaluate_checked's (against the task's test_len).
  const int n = json_int(length, "length", INT_MIN, INT_MAX);
  const int k = json_int(examples, "examples", INT_MIN, INT_MAX);
  const TaskConfig& task = tr.cfg.task;
  return eval_result_json(evaluate_checked(tr.model, task, tr.cfg.train.seed, n, k), task.train_len);
}

json evaluate_lengths(Trainer& tr, const std::vector<json>& lengths, const json& examples, const char* length_name,
                      const char* examples_name) {
  const TaskConfig& task = tr.cfg.task;
  const int k = json_int(examples, examples_name, 1, ResultLimits::max_eval_examples);
  std::vector<int> asked;
  for (const json& n : lengths) asked.push_back(json_int(n, length_name, 1, task.test_len));
  if (asked.empty())
    for (int n = 1; n <= task.test_len; n++) asked.push_back(n);
  json results = json::array();
  for (int n : asked) results.push_back(eval_result_json(evaluate(tr.model, task, tr.cfg.train.seed, n, k), task.train_len));
  return {{"step", tr.step}, {"train_len", task.train_len}, {"results", results}};
}

AnalysisWire analyze(Trainer& tr, const json& request) {
  return analysis_wire_for_request(tr.model, tr.cfg.task, tr.cfg.train.seed, tr.step, request);
}

json validate_config(const json& config) { return config_info_json(load_config(config)); }

Trainer& Session::model() {
  if (!ready_) throw Error("no model yet: call create(config) first");
  return trainer_;
}

json Session::create(const json& config) {
  const json info = api::create(trainer_, config);
  ready_ = true;
  return info;
}

json Session::info() { return trainer_info_json(model()); }
json Session::step(const json& count) { return api::step(model(), count); }
json Session::evaluate(const json& length, const json& examples) { return api::evaluate(model(), length, examples); }
AnalysisWire Session::analyze(const json& request) { return api::analyze(model(), request); }

json Session::save_checkpoint(const json& with_optimizer) {
  if (!with_optimizer.is_boolean())
    throw Error("with_optimizer must be true or false, got " + with_optimizer.dump());
  return {{"checkpoint", checkpoint_to_json(model(), with_optimizer.get<bool>()).dump()}};
}

json Session::load_checkpoint(const json& checkpoint) {
  checkpoint_from_json(trainer_, checkpoint);  // leaves the trainer intact on error
  ready_ = true;
  return info();
}

std::string Session::save_safetensors() { return checkpoint_to_safetensors(model()); }

json Session::load_safetensors(const std::string& bytes) {
  checkpoint_from_safetensors(trainer_, bytes, nullptr);  // leaves the trainer intact on error
  ready_ = true;
  return info();
}

// ------------------------------------------------------------- sweeps

SweepSpec sweep_spec(const SweepArgs& a) {
  if (!a.spec_file.is_null() && !a.config_file.is_null()) throw Error("sweep takes --spec F or --config F, not both");
  json spec = json::object();
  if (!a.spec_file.is_null()) {
    spec = a.spec_file;
    if (!spec.is_object()) throw Error(a.spec_name + " is not a sweep spec (a JSON object)");
    if (spec.contains("sweep")) {  // a preset: its config is the base, its sweep the rest
      json s = spec["sweep"].is_object() ? spec["sweep"] : json::object();
      s["base"] = spec.contains("config") ? spec["config"] : json::object();
      spec = s;
    }
  } else if (!a.config_file.is_null()) {
    if (a.config_file.is_object() && a.config_file.contains("sweep") && a.axes.empty())
      throw Error(a.config_name + " carries a sweep: run it with --spec " + a.config_name + " (or give --axis)");
    spec["base"] = a.config_file;
  }
  json base = config_of_preset(spec.contains("base") ? spec["base"] : json::object());
  for (const std::string& s : a.sets) config_set(base, s);
  spec["base"] = base;
  if (!a.axes.empty()) spec["axes"] = a.axes;
  if (!a.seeds.is_null()) spec["seeds"] = a.seeds;
  if (!a.max_runs.is_null()) spec["max_runs"] = a.max_runs;
  if (!a.measures.is_null()) spec["measures"] = a.measures;
  if (!a.layer.is_null()) spec["analysis"]["layer"] = a.layer;
  if (!a.site.is_null()) spec["analysis"]["site"] = a.site;
  if (!a.eval_examples.is_null()) spec["eval"]["examples"] = a.eval_examples;
  return sweep_spec_from_json(spec);
}

const SweepSpec& sweep_spec_cached(const std::string& text) {
  static std::string last_text;
  static SweepSpec last_spec;
  static bool have = false;
  if (!have || text != last_text) {
    have = false;
    last_spec = sweep_spec_from_json(parse_json(text, "sweep spec"));
    last_text = text;
    have = true;
  }
  return last_spec;
}

json sweep_plan(const SweepSpec& s) {
  const json spec = sweep_spec_to_json(s);
  return {{"spec", spec}, {"runs", sweep_run_count(s)}, {"cells", sweep_cell_count(s)}, {"axes", spec["axes"]}};
}

json sweep_run(const SweepSpec& s, const json& run) {
  // The range [0, runs) is sweep_plan_run's, named with the run count.
  return {{"record", nope::sweep_run(s, json_int(run, "run", INT_MIN, INT_MAX))}};
}

json sweep_summarize(const SweepSpec& s, const json& records) {
  if (!records.is_array()) throw Error("records must be a JSON array of run records");
  std::vector<json> sorted = sweep_check_records(s, records.get<std::vector<json>>());
  double seconds = 0;  // the runs' own time; the page knows its wall time
  for (const json& r : sorted) seconds += r.value("seconds", 0.0);
  return {{"result", sweep_result(s, sorted, SweepShard{}, seconds, 0)}};
}

// ------------------------------------------------------------- bench

json bench_training(const json& model, const json& steps) {
  const int m = json_int(model, "benchTraining model", 0, 1);
  const int n = json_int(steps, "benchTraining steps", 1, ResultLimits::max_steps_per_call);
  const BenchModel& bm = kBenchModels[m];
  const BenchResult r = nope::bench_training(bm, n);
  return {{"model", bm.name},
          {"ms_per_step", r.ms_per_step},
          {"tokens_per_s", r.tokens_per_s},
          {"gflop_per_step", bench_step_gflop(bm)}};
}

json bench_gemm() {
  json out = json::array();
  for (const BenchGemmShape& shape : kBenchGemmShapes)
    out.push_back({{"shape", shape.name}, {"gflops", nope::bench_gemm(shape)}});
  return out;
}

json bench_analysis(const json& repeats) {
  const AnalysisBench r = nope::bench_analysis(json_int(repeats, "benchAnalysis repeats", 1, 1000));
  return {{"analysis_ms", r.analysis_ms}, {"train_step_ms", r.train_step_ms}};
}

json bench_simd_peak() {
  const SimdPeak p = nope::bench_simd_peak();
  return {{"lanes", p.lanes}, {"gflops", p.gflops}};
}

namespace {
json figures_json(const std::vector<KernelFigure>& figures) {
  json out = json::array();
  for (const KernelFigure& f : figures) out.push_back({{"name", f.name}, {"gflops", f.gflops}});
  return out;
}
}  // namespace

json gemm_kernels() {
  json classes = json::array();
  for (const KernelChoice& c : gemm_kernel_choices())
    classes.push_back({{"shape_class", c.shape_class},
                       {"probe_shape", c.probe_shape},
                       {"chosen", c.chosen},
                       {"probe_ms", c.probe_ms},
                       {"candidates", figures_json(c.candidates)},
                       {"probe_pick", c.probe_pick},
                       {"trial", {{"products", c.trial_products},
                                  {"shapes", c.trial_shapes},
                                  {"default_ms", c.trial_default_ms},
                                  {"pick_ms", c.trial_pick_ms}}}});
  return {{"names", gemm_kernel_names()}, {"forced", gemm_forced_kernel()}, {"classes", classes}};
}

json set_kernel(const json& name) {
  if (!name.is_string()) throw Error("kernel must be a string (a kernel's name, \"\" or \"auto\"), got " + name.dump());
  gemm_set_kernel(name.get<std::string>());
  return gemm_kernels();
}

json bench_gemm_kernels() {
  json out = json::array();
  for (const BenchGemmShape& shape : kBenchGemmShapes) {
    const BenchGemmKernels k = nope::bench_gemm_kernels(shape);
    out.push_back({{"shape", shape.name},
                   {"gflops", nope::bench_gemm(shape)},
                   {"kernel", k.chosen},
                   {"candidates", figures_json(k.candidates)}});
  }
  return out;
}

// ------------------------------------------------------------- threads

void set_threads(const json& n, int most) {
  const int k = json_int(n, "setThreads: n", INT_MIN, INT_MAX);
  if (k < 1 || k > most)
    throw Error("setThreads: n = " + std::to_string(k) + " is outside [1, " + std::to_string(most) +
                "] (the threads this module was started with)");
  threads_set(k);
}

}  // namespace nope::api
