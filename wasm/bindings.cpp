// The module's JavaScript API: embind registrations over the call layer
// (core/api.h), which checks every input. One adapter, call(), turns an API
// call into {ok: true, ...} or {ok: false, error} (schema, benchGemm and
// benchSimdPeak return their data). Arguments go to the API as JSON, so a
// count of 2.5, 1e12, NaN or "3" is an error value, never truncated, and
// nothing aborts the module. Big arrays leave as Float32Array copies owned
// by JS. docs/worker-protocol.md and web/types/nopelab.d.ts document it.
#include <emscripten/bind.h>
#include <emscripten/em_asm.h>
#include <emscripten/val.h>

#include <new>
#include <string>

#include "api.h"  // nlohmann/json.hpp
#include "checkpoint.h"
#include "error.h"
#include "json_check.h"
#include "results_json.h"
#include "safetensors.h"
#include "schema.h"
#include "threads.h"

using emscripten::val;
using nlohmann::json;

namespace {

// JSON as the equivalent JS value.
val to_val(const json& j) {
  if (j.is_object()) {
    val o = val::object();
    for (auto it = j.begin(); it != j.end(); ++it) o.set(it.key(), to_val(it.value()));
    return o;
  }
  if (j.is_array()) {
    val a = val::array();
    for (size_t i = 0; i < j.size(); i++) a.set(i, to_val(j[i]));
    return a;
  }
  if (j.is_string()) return val(j.get<std::string>());
  if (j.is_boolean()) return val(j.get<bool>());
  return j.is_number() ? val(j.get<double>()) : val::null();
}

// A JS argument as JSON for the API's checks: numbers (integral ones as
// integers), strings and booleans as they are, anything else null.
json arg(const val& v) {
  const std::string type = v.typeOf().as<std::string>();
  if (type == "number") return nope::json_number(v.as<double>());
  if (type == "string") return v.as<std::string>();
  if (type == "boolean") return v.as<bool>();
  return nullptr;
}

// A JS argument that must be JSON text, parsed.
json text_arg(const val& v, const char* what) {
  if (!v.isString()) throw nope::Error(std::string(what) + " must be JSON text (a string)");
  return nope::api::parse_json(v.as<std::string>(), what);
}

// The spec of JSON text, parsed once for a run of calls with the same text.
const nope::SweepSpec& sweep_spec(const val& text) {
  if (!text.isString()) throw nope::Error("sweep spec must be JSON text (a string)");
  return nope::api::sweep_spec_cached(text.as<std::string>());
}

enum class Reply { status, data };  // {ok: true, ...fields} | the value itself

val error_value(const std::string& message) {
  val v = val::object();
  v.set("ok", false);
  v.set("error", message);
  return v;
}

// The adapter: runs one API call; every failure becomes {ok: false, error}.
template <typename Fn>
val call(Fn&& fn, Reply reply = Reply::status) {
  try {
    val v = fn();
    if (reply == Reply::status) v.set("ok", true);
    return v;
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

int max_threads() {
#ifdef __EMSCRIPTEN_PTHREADS__
  return 1 + EM_ASM_INT({ return PThread.unusedWorkers.length + PThread.runningWorkers.length; });
#else
  return 1;
#endif
}

val thread_info() {
#ifdef __EMSCRIPTEN_PTHREADS__
  const bool pthreads = true;
#else
  const bool pthreads = false;
#endif
  return to_val({{"threads", nope::threads_count()}, {"max_threads", max_threads()}, {"pthreads", pthreads}});
}

// One model and its optimizer; calls before create() are error values.
struct Session {
  nope::Trainer trainer;
  bool ready = false;
  nope::Trainer& model() {
    if (!ready) throw nope::Error("no model yet: call create(config) first");
    return trainer;
  }
};

// Bytes as a Uint8Array copy owned by JS.
val byte_array(const std::string& bytes) {
  val out = val::global("Uint8Array").new_(bytes.size());
  out.call<void>("set", val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()))));
  return out;
}

val analysis_value(const nope::AnalysisWire& w) {
  val v = to_val({{"meta", w.meta}});
  for (const nope::WireArray& a : nope::kAnalysisArrays) v.set(a.name, float_array(w.*a.data));
  return v;
}

}  // namespace

EMSCRIPTEN_BINDINGS(nopelab) {
  using namespace nope;
  using emscripten::function;
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("create", +[](Session& s, val config) {
        return call([&] {
          const json info = api::create(s.trainer, text_arg(config, "config"));
          s.ready = true;
          return to_val(info);
        });
      })
      .function("info", +[](Session& s) { return call([&] { return to_val(trainer_info_json(s.model())); }); })
      .function("step", +[](Session& s, val n) { return call([&] { return to_val(api::step(s.model(), arg(n))); }); })
      .function("evaluate", +[](Session& s, val length, val examples) {
        return call([&] { return to_val(api::evaluate(s.model(), arg(length), arg(examples))); });
      })
      .function("analyze", +[](Session& s, val request) {
        return call([&] {
          const bool empty = request.isString() && request.as<std::string>().empty();  // = {}
          return analysis_value(api::analyze(s.model(), empty ? json() : text_arg(request, "analysis request")));
        });
      })
      .function("saveCheckpoint", +[](Session& s, val with_optimizer) {
        return call([&] {
          return to_val({{"checkpoint", checkpoint_to_json(s.model(), with_optimizer.as<bool>()).dump()}});
        });
      })
      .function("loadCheckpoint", +[](Session& s, val text) {
        return call([&] {
          checkpoint_from_json(s.trainer, text_arg(text, "checkpoint"));  // leaves the trainer intact on error
          s.ready = true;
          return to_val(trainer_info_json(s.trainer));
        });
      })
      // safetensors (docs/interop.md): a Uint8Array in, {safetensors: Uint8Array} out.
      .function("saveSafetensors", +[](Session& s) {
        return call([&] {
          val v = val::object();
          v.set("safetensors", byte_array(checkpoint_to_safetensors(s.model())));
          return v;
        });
      })
      .function("loadSafetensors", +[](Session& s, val bytes) {
        return call([&] {
          if (!bytes.instanceof(val::global("Uint8Array"))) throw Error("safetensors must be a Uint8Array");
          checkpoint_from_safetensors(s.trainer, bytes.as<std::string>(), nullptr);  // leaves the trainer intact on error
          s.ready = true;
          return to_val(trainer_info_json(s.trainer));
        });
      });

  function("version", +[]() { return std::string(NOPE_VERSION); });
  function("schema", +[]() { return call([] { return to_val(config_schema_json()); }, Reply::data); });
  function("validateConfig", +[](val c) {
    return call([&] { return to_val(api::validate_config(text_arg(c, "config"))); });
  });

  function("sweepPlan", +[](val spec) { return call([&] { return to_val(api::sweep_plan(sweep_spec(spec))); }); });
  function("sweepRun", +[](val spec, val run) {
    return call([&] { return to_val(api::sweep_run(sweep_spec(spec), arg(run))); });
  });
  function("sweepSummarize", +[](val spec, val records) {
    return call([&] { return to_val(api::sweep_summarize(sweep_spec(spec), text_arg(records, "records"))); });
  });

  function("benchTraining", +[](val model, val steps) {
    return call([&] { return to_val(api::bench_training(arg(model), arg(steps))); });
  });
  function("benchGemm", +[]() { return call([] { return to_val(api::bench_gemm()); }, Reply::data); });
  function("benchSimdPeak", +[]() { return call([] { return to_val(api::bench_simd_peak()); }, Reply::data); });
  function("benchAnalysis", +[](val n) { return call([&] { return to_val(api::bench_analysis(arg(n))); }); });

  // Threads for one run (core/threads.h): up to the Web Workers the glue
  // started plus the calling thread in the threaded build (nopelab_mt.js),
  // only 1 otherwise. Results are bit-identical for any count.
  function("setThreads", +[](val n) {
    return call([&] {
      api::set_threads(arg(n), max_threads());
      return thread_info();
    });
  });
  function("threadInfo", +[]() { return call([] { return thread_info(); }); });

  // The GEMM micro-kernel (core/gemm_choice.h): force one, "" for the
  // default, "auto" for the per-class probe (web/worker.js passes ?kernel=).
  function("setKernel", +[](val name) { return call([&] { return to_val(api::set_kernel(arg(name))); }); });
  function("gemmKernels", +[]() { return call([] { return to_val(api::gemm_kernels()); }); });
  function("benchGemmKernels", +[]() { return call([] { return to_val(api::bench_gemm_kernels()); }, Reply::data); });
}
