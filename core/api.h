// The call layer: every request from outside the core (a `nopelab` command,
// a module call from JavaScript) goes through one of these functions, which
// do all the input checking: presets unwrapped, integers checked (json_int:
// numbers arrive as JSON values, so 2.5, 1e12, NaN or "3" are refused, never
// truncated), step counts, evaluation lengths and examples, sweep specs,
// and the JSON shapes of bench results. Errors throw nope::Error naming the
// field, the value and the range; callers turn them into a line on stderr
// (CLI) or an error value (wasm/bindings.cpp) and check nothing themselves.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/wire.h"
#include "sweep/spec.h"
#include "trainer.h"

namespace nope::api {

// ------------------------------------------------------------- inputs
// JSON text -> JSON; else "<what> is not valid JSON: invalid JSON at line L,
// column C: ..." (the one form for files and module calls alike).
nlohmann::json parse_json(const std::string& text, const char* what);
// A config or a preset (config_of_preset) with `path=value` overrides
// applied: the checked Config.
Config load_config(const nlohmann::json& j, const std::vector<std::string>& sets = {});

// ------------------------------------------------------------- a session
// {params, vocab, ...} (results_json.h) of a fresh trainer for the config.
nlohmann::json create(Trainer& tr, const nlohmann::json& config);
// Train `count` steps, count in [1, ResultLimits::max_steps_per_call].
nlohmann::json step(Trainer& tr, const nlohmann::json& count);
// Loss and accuracy at `length` task items over `examples` examples.
nlohmann::json evaluate(Trainer& tr, const nlohmann::json& length, const nlohmann::json& examples);
// `nopelab eval`: {step, train_len, results} at every length in `lengths`
// (all of 1..test_len when empty); errors name the values as `names` says.
nlohmann::json evaluate_lengths(Trainer& tr, const std::vector<nlohmann::json>& lengths,
                                const nlohmann::json& examples, const char* length_name = "length",
                                const char* examples_name = "examples");
// The analysis in the web app's wire layout; the request's seed defaults to
// the run's.
AnalysisWire analyze(Trainer& tr, const nlohmann::json& request);
// {config, bytes, vocab, train_seq_len, test_seq_len} of a checked config.
nlohmann::json validate_config(const nlohmann::json& config);

// One model and its optimizer that a caller keeps between calls (the wasm
// module's Session), over the calls above. Any call before create() or a
// load is an error; a create or load that fails keeps the model it had.
class Session {
 public:
  nlohmann::json create(const nlohmann::json& config);
  nlohmann::json info();  // {params, vocab, ...} (results_json.h)
  nlohmann::json step(const nlohmann::json& count);
  nlohmann::json evaluate(const nlohmann::json& length, const nlohmann::json& examples);
  AnalysisWire analyze(const nlohmann::json& request);  // null: every default
  // {checkpoint: JSON text (docs/checkpoint.md)}; with_optimizer a boolean.
  nlohmann::json save_checkpoint(const nlohmann::json& with_optimizer);
  nlohmann::json load_checkpoint(const nlohmann::json& checkpoint);  // info()
  // Weights, config and step as safetensors bytes (docs/interop.md).
  std::string save_safetensors();
  nlohmann::json load_safetensors(const std::string& bytes);  // info()

 private:
  Trainer& model();
  Trainer trainer_;
  bool ready_ = false;
};

// ------------------------------------------------------------- sweeps
// What the CLI's flags add to a spec file, a config file or neither.
struct SweepArgs {
  nlohmann::json spec_file;    // a spec or a preset with "sweep"; null when absent
  nlohmann::json config_file;  // a config or preset (the base); null when absent
  std::string spec_name = "the spec", config_name = "the config";  // for messages (file names)
  std::vector<std::string> sets;
  std::vector<nlohmann::json> axes;  // replace the spec's when non-empty
  nlohmann::json seeds, max_runs, layer, site, eval_examples, measures;  // null when absent
};
SweepSpec sweep_spec(const SweepArgs& a);
// The spec of this JSON text. Validating a spec checks every cell's config,
// and a worker calls sweepRun many times with the same text, so the last
// parse is kept (same text, same spec).
const SweepSpec& sweep_spec_cached(const std::string& text);
// {spec (normalised), runs, cells, axes}.
nlohmann::json sweep_plan(const SweepSpec& s);
// {record}: run `run` (an integer in [0, runs)).
nlohmann::json sweep_run(const SweepSpec& s, const nlohmann::json& run);
// {result}: the records (a JSON array) checked and summarised; the
// result's seconds are the runs' own.
nlohmann::json sweep_summarize(const SweepSpec& s, const nlohmann::json& records);

// ------------------------------------------------------------- bench
// {model, ms_per_step, tokens_per_s, gflop_per_step}: model 0 (A) or 1 (B).
nlohmann::json bench_training(const nlohmann::json& model, const nlohmann::json& steps);
// [{shape, gflops}] over the model-B product shapes.
nlohmann::json bench_gemm();
// {analysis_ms, train_step_ms}, repeats in [1, 1000].
nlohmann::json bench_analysis(const nlohmann::json& repeats);
// {lanes, gflops} of the SIMD ceiling.
nlohmann::json bench_simd_peak();

// ------------------------------------------------------------- GEMM kernels
// (gemm_choice.h) {names, forced, classes: [{shape_class, probe_shape,
// chosen, probe_ms, candidates: [{name, gflops}], probe_pick, trial:
// {products, shapes, default_ms, pick_ms}}]}: the kernels of this build and
// what each probed shape class chose ("" while its pick is on trial).
nlohmann::json gemm_kernels();
// Forces `name` (a string: a kernel; "" or "auto" for the per-class
// choice, the module's default; "trial:<kernel>" to try <kernel> against the
// default kernel in every class); returns gemm_kernels().
nlohmann::json set_kernel(const nlohmann::json& name);
// [{shape, gflops, kernel, candidates: [{name, gflops}]}] over the model-B
// product shapes: the speed of the kernel each runs, and of every candidate.
nlohmann::json bench_gemm_kernels();

// ------------------------------------------------------------- threads
// Sizes the core's pool to n in [1, most] (most: what this process can run).
void set_threads(const nlohmann::json& n, int most);

}  // namespace nope::api
