// embind facade over the core for JavaScript: a Session that owns one
// Trainer. Every method returns a plain JS object {ok: true, ...} or
// {ok: false, error: "message"}; nothing the caller passes can abort the
// module. The shapes are the core's (results_json.h, analysis/wire.h,
// schema.h): small structured data arrives as JS objects, big arrays as
// Float32Array *copies* owned by JS (safe to transfer to another thread; they
// do not alias wasm memory, which may move when it grows). Checkpoints stay
// JSON text: they are files. docs/worker-protocol.md and web/types/nopelab.d.ts
// document the API.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdio>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/wire.h"
#include "bench.h"
#include "budget.h"
#include "checkpoint.h"
#include "error.h"
#include "results_json.h"
#include "schema.h"
#include "trainer.h"

using emscripten::val;
using nlohmann::json;

namespace {

// A JSON value as the equivalent JS value (objects, arrays, numbers, ...).
val to_val(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      val o = val::object();
      for (auto it = j.begin(); it != j.end(); ++it) o.set(it.key(), to_val(it.value()));
      return o;
    }
    case json::value_t::array: {
      val a = val::array();
      for (size_t i = 0; i < j.size(); i++) a.set(i, to_val(j[i]));
      return a;
    }
    case json::value_t::string: return val(j.get<std::string>());
    case json::value_t::boolean: return val(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return val(j.get<double>());
    default: return val::null();
  }
}

// {ok: true, ...fields of j}.
val ok_value(const json& j = json::object()) {
  val v = to_val(j);
  v.set("ok", true);
  return v;
}

val error_value(const std::string& message) {
  val v = val::object();
  v.set("ok", false);
  v.set("error", message);
  return v;
}

// Runs fn and turns every failure into an error value.
template <typename Fn>
val guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const nope::Error& e) {
    return error_value(e.what());
  } catch (const json::exception& e) {
    return error_value(std::string("invalid JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return error_value("out of memory");
  } catch (const std::exception& e) {
    return error_value(e.what());
  }
}

val float_array(const std::vector<float>& v) {
  val out = val::global("Float32Array").new_(v.size());
  out.call<void>("set", val(emscripten::typed_memory_view(v.size(), v.data())));
  return out;
}

// A count from JS: a number, so 3.7 or 1e20 are named as they were passed
// rather than silently truncated or wrapped by a C++ int parameter.
int whole(double v, const char* name) {
  if (!std::isfinite(v) || v != std::floor(v) || std::fabs(v) > 2147483647.0) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%.10g", v);
    throw nope::Error(std::string(name) + " = " + shown + " is not a 32-bit integer");
  }
  return (int)v;
}

nope::Config parse_config(const std::string& text) {
  json j = json::parse(text);
  if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];  // presets
  return nope::config_load(j);
}

}  // namespace

class Session {
 public:
  val create(const std::string& config_json) {
    return guarded([&] {
      nope::Trainer tr;
      nope::trainer_init(tr, parse_config(config_json));
      trainer_ = std::move(tr);
      ready_ = true;
      return ok_value(nope::trainer_info_json(trainer_));
    });
  }

  val info() {
    return guarded([&] { return require() ? ok_value(nope::trainer_info_json(trainer_)) : not_ready(); });
  }

  val step(double count) {
    return guarded([&] {
      if (!require()) return not_ready();
      const int n = whole(count, "step count");
      if (n < 1 || n > nope::ResultLimits::max_steps_per_call)
        throw nope::Error("step count " + std::to_string(n) + " is out of range [1, " +
                          std::to_string(nope::ResultLimits::max_steps_per_call) + "]");
      return ok_value(nope::step_metrics_json(nope::trainer_step(trainer_, n)));
    });
  }

  val evaluate(double length_arg, double examples_arg) {
    return guarded([&] {
      if (!require()) return not_ready();
      const int length = whole(length_arg, "length"), examples = whole(examples_arg, "examples");
      const nope::TaskConfig& task = trainer_.cfg.task;
      const nope::EvalResult r = nope::evaluate_checked(trainer_.model, task, trainer_.cfg.train.seed, length, examples);
      return ok_value(nope::eval_result_json(r, task.train_len));
    });
  }

  // {ok, meta, similarity, variance, decay, theory, attention, probe_predicted}
  // in the layout of core/analysis/wire.h.
  val analyze(const std::string& request_json) {
    return guarded([&] {
      if (!require()) return not_ready();
      const json request = request_json.empty() ? json::object() : json::parse(request_json);
      const nope::AnalysisWire w = nope::analysis_wire_for_request(trainer_.model, trainer_.cfg.task,
                                                                   trainer_.cfg.train.seed, trainer_.step, request);
      val v = ok_value({{"meta", w.meta}});
      for (const char* name : nope::kAnalysisArrays) v.set(name, float_array(*nope::analysis_wire_array(w, name)));
      return v;
    });
  }

  val save_checkpoint(bool with_optimizer) {
    return guarded([&] {
      if (!require()) return not_ready();
      return ok_value({{"checkpoint", nope::checkpoint_to_json(trainer_, with_optimizer).dump()}});
    });
  }

  val load_checkpoint(const std::string& text) {
    return guarded([&] {
      json j;
      try {
        j = json::parse(text);
      } catch (const json::parse_error& e) {
        throw nope::Error(std::string("checkpoint is not valid JSON: ") + e.what());
      }
      nope::checkpoint_from_json(trainer_, j);  // leaves trainer_ intact on error
      ready_ = true;
      return ok_value(nope::trainer_info_json(trainer_));
    });
  }

 private:
  bool require() const { return ready_; }
  static val not_ready() { return error_value("no model yet: call create(config) first"); }

  nope::Trainer trainer_;
  bool ready_ = false;
};

static val validate_config(const std::string& text) {
  return guarded([&] { return ok_value(nope::config_info_json(parse_config(text))); });
}

static val schema() { return to_val(nope::config_schema_json()); }

static std::string version() { return NOPE_VERSION; }

// The native `nopelab bench` workloads (core/bench.h), for bench/wasm_bench.mjs.
static val bench_training(int model, int steps) {
  return guarded([&] {
    if (model < 0 || model > 1 || steps < 1) throw nope::Error("benchTraining(model 0|1, steps >= 1)");
    const nope::BenchResult r = nope::bench_training(nope::kBenchModels[model], steps);
    return ok_value({{"model", nope::kBenchModels[model].name},
                     {"ms_per_step", r.ms_per_step},
                     {"tokens_per_s", r.tokens_per_s},
                     {"gflop_per_step", nope::bench_step_gflop(nope::kBenchModels[model])}});
  });
}

// The GEMM on the model-B product shapes (core/bench.h) and the SIMD
// arithmetic ceiling, so the node bench can put them next to native.
static val bench_gemm() {
  json out = json::array();
  for (const nope::BenchGemmShape& shape : nope::kBenchGemmShapes)
    out.push_back({{"shape", shape.name}, {"gflops", nope::bench_gemm(shape)}});
  return to_val(out);
}

// A full analysis (every site, no probes) against one training step of the
// same model, as in the last line of `nopelab bench`.
static val bench_analysis(int repeats) {
  return guarded([&] {
    if (repeats < 1) throw nope::Error("benchAnalysis(repeats >= 1)");
    const nope::AnalysisBench r = nope::bench_analysis(repeats);
    return ok_value({{"analysis_ms", r.analysis_ms}, {"train_step_ms", r.train_step_ms}});
  });
}

static nope::SimdPeak bench_simd_peak() { return nope::bench_simd_peak(); }

EMSCRIPTEN_BINDINGS(nopelab) {
  emscripten::value_object<nope::SimdPeak>("SimdPeak")
      .field("lanes", &nope::SimdPeak::lanes)
      .field("gflops", &nope::SimdPeak::gflops);
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("create", &Session::create)
      .function("info", &Session::info)
      .function("step", &Session::step)
      .function("evaluate", &Session::evaluate)
      .function("analyze", &Session::analyze)
      .function("saveCheckpoint", &Session::save_checkpoint)
      .function("loadCheckpoint", &Session::load_checkpoint);
  emscripten::function("validateConfig", &validate_config);
  emscripten::function("schema", &schema);
  emscripten::function("version", &version);
  emscripten::function("benchTraining", &bench_training);
  emscripten::function("benchGemm", &bench_gemm);
  emscripten::function("benchSimdPeak", &bench_simd_peak);
  emscripten::function("benchAnalysis", &bench_analysis);
}

// ---------------------------------------------------------------- sweeps
// Module-level, stateless sweep functions (docs/sweep.md): the page's worker
// pool plans a sweep once, then calls sweepRun on any worker in any order and
// sweepSummarize over whatever records it has. Errors become values through
// the facade's guarded(); results become JS objects through to_val().
#include "sweep/result.h"
#include "sweep/run.h"
#include "sweep/spec.h"

namespace sweep_js {

json parse_text(const std::string& text, const char* what) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw nope::Error(std::string(what) + " is not valid JSON: " + e.what());
  }
}

// Validating a spec checks every cell's config; a worker calls sweepRun many
// times with the same text, so the last parse is kept (pure: same text, same
// spec; the Trainer is still built afresh by every run).
const nope::SweepSpec& spec_of(const std::string& text) {
  static std::string last_text;
  static nope::SweepSpec last_spec;
  static bool have = false;
  if (!have || text != last_text) {
    have = false;
    last_spec = nope::sweep_spec_from_json(parse_text(text, "sweep spec"));
    last_text = text;
    have = true;
  }
  return last_spec;
}

val plan(const std::string& spec_text) {
  return guarded([&] {
    const nope::SweepSpec& s = spec_of(spec_text);
    const json spec = nope::sweep_spec_to_json(s);
    return ok_value({{"spec", spec},
                     {"runs", nope::sweep_run_count(s)},
                     {"cells", nope::sweep_cell_count(s)},
                     {"axes", spec["axes"]}});
  });
}

val run(const std::string& spec_text, int run_index) {
  return guarded([&] { return ok_value({{"record", nope::sweep_run(spec_of(spec_text), run_index)}}); });
}

val summarize(const std::string& spec_text, const std::string& records_text) {
  return guarded([&] {
    const nope::SweepSpec& s = spec_of(spec_text);
    const json records = parse_text(records_text, "records");
    if (!records.is_array()) throw nope::Error("records must be a JSON array of run records");
    std::vector<json> sorted = nope::sweep_check_records(s, records.get<std::vector<json>>());
    double seconds = 0;  // the runs' own time; the page knows its wall time
    for (const json& r : sorted) seconds += r.value("seconds", 0.0);
    return ok_value({{"result", nope::sweep_result(s, sorted, nope::SweepShard{}, seconds, 0)}});
  });
}

}  // namespace sweep_js

EMSCRIPTEN_BINDINGS(nopelab_sweep) {
  emscripten::function("sweepPlan", &sweep_js::plan);
  emscripten::function("sweepRun", &sweep_js::run);
  emscripten::function("sweepSummarize", &sweep_js::summarize);
}

// ---- Threads for one run ---------------------------------------------------
// setThreads(n) sizes the core's pool (core/threads.h) for every later call;
// threadInfo() says what runs. In the threaded build (nopelab_mt.js) n may go
// up to the Web Workers the glue created at startup plus the calling thread;
// in the single-thread build only 1 is accepted. Results are bit-identical
// for any n (the pool's partition does not depend on it).
#include <emscripten/em_asm.h>

#include "threads.h"

namespace {

int max_threads() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return 1 + EM_ASM_INT({ return PThread.unusedWorkers.length + PThread.runningWorkers.length; });
#else
  return 1;
#endif
}

val thread_info() {
  val v = ok_value();
  v.set("threads", nope::threads_count());
  v.set("max_threads", max_threads());
#ifdef __EMSCRIPTEN_PTHREADS__
  v.set("pthreads", true);
#else
  v.set("pthreads", false);
#endif
  return v;
}

val set_threads(int n) {
  return guarded([&] {
    const int most = max_threads();
    if (n < 1 || n > most)
      throw nope::Error("setThreads: n = " + std::to_string(n) + " is outside [1, " + std::to_string(most) +
                        "] (the threads this module was started with)");
    nope::threads_set(n);
    return thread_info();
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(nopelab_threads) {
  emscripten::function("setThreads", &set_threads);
  emscripten::function("threadInfo", &thread_info);
}

// ---------------------------------------------------------------- GEMM kernels
// The load-time choice of micro-kernel (core/gemm_choice.h): setKernel forces
// one ("" chooses per shape class again; web/worker.js passes the page's
// ?kernel=), gemmKernels says what was chosen and the probe's figures, and
// benchGemmKernels times every candidate on model B's product shapes.
#include "gemm_choice.h"

namespace {

json choices_json() {
  json classes = json::array();
  for (const nope::KernelChoice& c : nope::gemm_kernel_choices()) {
    json cands = json::array();
    for (const nope::KernelFigure& f : c.candidates) cands.push_back({{"name", f.name}, {"gflops", f.gflops}});
    classes.push_back({{"shape_class", c.shape_class},
                       {"probe_shape", c.probe_shape},
                       {"chosen", c.chosen},
                       {"probe_ms", c.probe_ms},
                       {"candidates", cands}});
  }
  return {{"names", nope::gemm_kernel_names()}, {"forced", nope::gemm_forced_kernel()}, {"classes", classes}};
}

val set_kernel(const std::string& name) {
  return guarded([&] {
    nope::gemm_set_kernel(name);
    return ok_value(choices_json());
  });
}

val gemm_kernels() { return ok_value(choices_json()); }

val bench_gemm_kernels() {
  json out = json::array();
  for (const nope::BenchGemmShape& shape : nope::kBenchGemmShapes) {
    const nope::BenchGemmKernels k = nope::bench_gemm_kernels(shape);
    json cands = json::array();
    for (const nope::KernelFigure& f : k.candidates) cands.push_back({{"name", f.name}, {"gflops", f.gflops}});
    out.push_back({{"shape", shape.name}, {"kernel", k.chosen}, {"candidates", cands}});
  }
  return to_val(out);
}

}  // namespace

EMSCRIPTEN_BINDINGS(nopelab_kernels) {
  emscripten::function("setKernel", &set_kernel);
  emscripten::function("gemmKernels", &gemm_kernels);
  emscripten::function("benchGemmKernels", &bench_gemm_kernels);
}
