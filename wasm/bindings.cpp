// embind facade over the core for JavaScript: a Session that owns one
// Trainer. Every method returns a plain JS object {ok: true, ...} or
// {ok: false, error: "message"}; nothing the caller passes can abort the
// module. Big arrays come back as Float32Array *copies* owned by JS (safe to
// transfer to another thread; they do not alias wasm memory, which may move
// when it grows). docs/wasm-api.md documents the API.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdio>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "bench.h"
#include "checkpoint.h"
#include "error.h"
#include "trainer.h"

using emscripten::val;
using nlohmann::json;

namespace {

val error_value(const std::string& message) {
  val v = val::object();
  v.set("ok", false);
  v.set("error", message);
  return v;
}

val ok_value() {
  val v = val::object();
  v.set("ok", true);
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

template <typename T>
val float_array(const T* data, size_t n) {
  std::vector<float> tmp(data, data + n);
  val out = val::global("Float32Array").new_(n);
  out.call<void>("set", val(emscripten::typed_memory_view(n, tmp.data())));
  return out;
}

val float_array(const std::vector<double>& v) { return float_array(v.data(), v.size()); }


nope::Config parse_config(const std::string& text) {
  json j = json::parse(text);
  if (j.is_object() && j.contains("config") && j["config"].is_object()) j = j["config"];  // presets
  return nope::config_from_json(j);
}

val model_info(const nope::Trainer& tr) {
  val v = ok_value();
  v.set("params", (double)tr.model.params.size());
  v.set("vocab", tr.model.V);
  v.set("max_seq_len", tr.model.maxT);
  v.set("train_seq_len", nope::task_seq_len(tr.cfg.task, tr.cfg.task.train_len));
  v.set("step", tr.step);
  v.set("config", nope::config_to_json(tr.cfg).dump());
  return v;
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
      return model_info(trainer_);
    });
  }

  val info() {
    return guarded([&] { return require() ? model_info(trainer_) : not_ready(); });
  }

  val step(int n) {
    return guarded([&] {
      if (!require()) return not_ready();
      if (n < 1 || n > 100000) throw nope::Error("step count " + std::to_string(n) + " is out of range [1, 100000]");
      const nope::StepMetrics m = nope::trainer_step(trainer_, n);
      val v = ok_value();
      v.set("step", m.step);
      v.set("loss", m.loss);
      v.set("lr", m.lr);
      v.set("grad_norm", m.grad_norm);
      v.set("token_acc", m.token_acc);
      v.set("batch_hash", nope::batch_hash_hex(m.batch_hash));
      return v;
    });
  }

  val evaluate(int length, int examples) {
    return guarded([&] {
      if (!require()) return not_ready();
      const nope::TaskConfig& task = trainer_.cfg.task;
      if (length < 1 || length > task.test_len)
        throw nope::Error("length " + std::to_string(length) + " is out of range [1, " + std::to_string(task.test_len) + "]");
      if (examples < 1 || examples > 4096)
        throw nope::Error("examples " + std::to_string(examples) + " is out of range [1, 4096]");
      const nope::EvalResult r = nope::evaluate(trainer_.model, task, trainer_.cfg.train.seed, length, examples);
      val v = ok_value();
      v.set("length", r.length);
      v.set("seq_len", r.seq_len);
      v.set("loss", r.loss);
      v.set("token_acc", r.token_acc);
      v.set("seq_acc", r.seq_acc);
      v.set("examples", r.examples);
      v.set("trained", length <= task.train_len);
      return v;
    });
  }

  // request_json: see nope::analysis_request_from_json. Returns
  //   meta:  analysis JSON without matrices, plus site_order / layer_order
  //   similarity (S, T, T), variance (S, T), decay (S, T), theory (S, T; 0
  //   where it does not apply), attention (L, NH, T, T), probe_predicted (P, T)
  // where S indexes meta.site_order, L meta.layer_order, P meta.probes.
  val analyze(const std::string& request_json) {
    return guarded([&] {
      if (!require()) return not_ready();
      const json request = request_json.empty() ? json::object() : json::parse(request_json);
      nope::AnalysisRequest req = nope::analysis_request_from_json(request);
      if (!request.contains("seed")) req.seed = trainer_.cfg.train.seed;  // default: the run's seed
      const nope::AnalysisResult r = nope::analyze(trainer_.model, trainer_.cfg.task, req);
      const size_t T = r.T, S = r.sites.size();
      std::vector<float> sim(S * T * T), var(S * T), decay(S * T), theory(S * T, 0.0f);
      json site_order = json::array(), layer_order = json::array();
      for (size_t s = 0; s < S; s++) {
        const nope::SiteResult& x = r.sites[s];
        site_order.push_back({{"layer", x.layer}, {"site", nope::to_string(x.site)}});
        std::copy(x.similarity.mean_similarity.begin(), x.similarity.mean_similarity.end(), sim.begin() + s * T * T);
        std::copy(x.variance.begin(), x.variance.end(), var.begin() + s * T);
        std::copy(x.similarity.decay.begin(), x.similarity.decay.end(), decay.begin() + s * T);
        std::copy(x.theory.begin(), x.theory.end(), theory.begin() + s * T);
      }
      std::vector<float> att;
      int NH = 0;
      for (const nope::LayerAttention& a : r.attention) {
        layer_order.push_back(a.layer);
        NH = a.summary.NH;
        att.insert(att.end(), a.summary.maps.begin(), a.summary.maps.end());
      }
      std::vector<float> pred;
      for (const nope::ProbeEntry& p : r.probes) pred.insert(pred.end(), p.result.predicted.begin(), p.result.predicted.end());
      json meta = nope::analysis_to_json(r, false);
      for (json& p : meta["probes"]) p.erase("predicted");  // in probe_predicted
      meta["site_order"] = site_order;
      meta["layer_order"] = layer_order;
      meta["n_heads"] = NH;
      meta["step"] = trainer_.step;
      val v = ok_value();
      v.set("meta", meta.dump());
      v.set("similarity", float_array(sim.data(), sim.size()));
      v.set("variance", float_array(var.data(), var.size()));
      v.set("decay", float_array(decay.data(), decay.size()));
      v.set("theory", float_array(theory.data(), theory.size()));
      v.set("attention", float_array(att.data(), att.size()));
      v.set("probe_predicted", float_array(pred.data(), pred.size()));
      return v;
    });
  }

  val save_checkpoint(bool with_optimizer) {
    return guarded([&] {
      if (!require()) return not_ready();
      val v = ok_value();
      v.set("checkpoint", nope::checkpoint_to_json(trainer_, with_optimizer).dump());
      return v;
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
      return model_info(trainer_);
    });
  }

 private:
  bool require() const { return ready_; }
  static val not_ready() { return error_value("no model yet: call create(config) first"); }

  nope::Trainer trainer_;
  bool ready_ = false;
};

static val validate_config(const std::string& text) {
  return guarded([&] {
    const nope::Config c = parse_config(text);
    val v = ok_value();
    v.set("config", nope::config_to_json(c).dump());
    v.set("bytes", nope::config_step_bytes(c));
    v.set("vocab", nope::task_vocab(c.task));
    v.set("train_seq_len", nope::task_seq_len(c.task, c.task.train_len));
    v.set("test_seq_len", nope::task_seq_len(c.task, c.task.test_len));
    return v;
  });
}

static std::string version() { return NOPE_VERSION; }

// The native `nopelab bench` workloads (core/bench.h), for bench/wasm_bench.mjs.
static val bench_training(int model, int steps) {
  return guarded([&] {
    if (model < 0 || model > 1 || steps < 1) throw nope::Error("benchTraining(model 0|1, steps >= 1)");
    const nope::BenchResult r = nope::bench_training(nope::kBenchModels[model], steps);
    val v = ok_value();
    v.set("model", std::string(nope::kBenchModels[model].name));
    v.set("ms_per_step", r.ms_per_step);
    v.set("tokens_per_s", r.tokens_per_s);
    return v;
  });
}

// The GEMM on the model-B product shapes (core/bench.h) and the SIMD
// arithmetic ceiling, so the node bench can put them next to native.
static val bench_gemm() {
  val out = val::array();
  for (const nope::BenchGemmShape& shape : nope::kBenchGemmShapes) {
    val v = val::object();
    v.set("shape", std::string(shape.name));
    v.set("gflops", nope::bench_gemm(shape));
    out.call<void>("push", v);
  }
  return out;
}

// A full analysis (every site, no probes) against one training step of the
// same model, as in the last line of `nopelab bench`.
static val bench_analysis(int repeats) {
  return guarded([&] {
    if (repeats < 1) throw nope::Error("benchAnalysis(repeats >= 1)");
    const nope::AnalysisBench r = nope::bench_analysis(repeats);
    val v = ok_value();
    v.set("analysis_ms", r.analysis_ms);
    v.set("train_step_ms", r.train_step_ms);
    return v;
  });
}

static val bench_simd_peak() {
  const nope::SimdPeak p = nope::bench_simd_peak();
  val v = val::object();
  v.set("lanes", p.lanes);
  v.set("gflops", p.gflops);
  return v;
}

EMSCRIPTEN_BINDINGS(nopelab) {
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
  emscripten::function("version", &version);
  emscripten::function("benchTraining", &bench_training);
  emscripten::function("benchGemm", &bench_gemm);
  emscripten::function("benchSimdPeak", &bench_simd_peak);
  emscripten::function("benchAnalysis", &bench_analysis);
}

// ---------------------------------------------------------------- sweeps
// Module-level, stateless sweep functions (docs/sweep.md): the page's worker
// pool plans a sweep once, then calls sweepRun on any worker in any order and
// sweepSummarize over whatever records it has. Self-contained on purpose
// (own guard and JSON -> JS conversion) so the Session facade above can
// change freely.
#include "sweep/result.h"
#include "sweep/run.h"
#include "sweep/spec.h"

namespace sweep_js {

val failure(const std::string& message) {
  val v = val::object();
  v.set("ok", false);
  v.set("error", message);
  return v;
}

// Plain JS object from JSON (NaN never occurs: records hold null instead).
val from_json(const json& j) { return val::global("JSON").call<val>("parse", j.dump()); }

template <typename Fn>
val guard(Fn&& fn) {
  try {
    return fn();
  } catch (const nope::Error& e) {
    return failure(e.what());
  } catch (const json::exception& e) {
    return failure(std::string("invalid JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return failure("out of memory");
  } catch (const std::exception& e) {
    return failure(e.what());
  }
}

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
  return guard([&] {
    const nope::SweepSpec& s = spec_of(spec_text);
    const json spec = nope::sweep_spec_to_json(s);
    val v = val::object();
    v.set("ok", true);
    v.set("spec", from_json(spec));
    v.set("runs", nope::sweep_run_count(s));
    v.set("cells", nope::sweep_cell_count(s));
    v.set("axes", from_json(spec["axes"]));
    return v;
  });
}

val run(const std::string& spec_text, int run_index) {
  return guard([&] {
    const json record = nope::sweep_run(spec_of(spec_text), run_index);
    val v = val::object();
    v.set("ok", true);
    v.set("record", from_json(record));
    return v;
  });
}

val summarize(const std::string& spec_text, const std::string& records_text) {
  return guard([&] {
    const nope::SweepSpec& s = spec_of(spec_text);
    const json records = parse_text(records_text, "records");
    if (!records.is_array()) throw nope::Error("records must be a JSON array of run records");
    std::vector<json> sorted = nope::sweep_check_records(s, records.get<std::vector<json>>());
    double seconds = 0;  // the runs' own time; the page knows its wall time
    for (const json& r : sorted) seconds += r.value("seconds", 0.0);
    val v = val::object();
    v.set("ok", true);
    v.set("result", from_json(nope::sweep_result(s, sorted, nope::SweepShard{}, seconds, 0)));
    return v;
  });
}

}  // namespace sweep_js

EMSCRIPTEN_BINDINGS(nopelab_sweep) {
  emscripten::function("sweepPlan", &sweep_js::plan);
  emscripten::function("sweepRun", &sweep_js::run);
  emscripten::function("sweepSummarize", &sweep_js::summarize);
}
