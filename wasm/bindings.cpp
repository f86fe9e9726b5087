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
#include <vector>

#include "api.h"  // nlohmann/json.hpp
#include "error.h"
#include "json_check.h"
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

// A JS argument that must be a string (JSON text, a spec).
std::string string_arg(const val& v, const char* what) {
  if (!v.isString()) throw nope::Error(std::string(what) + " must be JSON text (a string)");
  return v.as<std::string>();
}
json text_arg(const val& v, const char* what) { return nope::api::parse_json(string_arg(v, what), what); }

// The spec of JSON text, parsed once for a run of calls with the same text.
const nope::SweepSpec& spec(const val& text) { return nope::api::sweep_spec_cached(string_arg(text, "sweep spec")); }

// The analysis request: JSON text, "" for every default.
json request_arg(const val& v) {
  return v.isString() && v.as<std::string>().empty() ? json() : text_arg(v, "analysis request");
}

// A JS argument that must be a Uint8Array, as its bytes.
std::string bytes_arg(const val& v, const char* what) {
  if (!v.instanceof(val::global("Uint8Array"))) throw nope::Error(std::string(what) + " must be a Uint8Array");
  return v.as<std::string>();
}

// {key: value}
val with(const char* key, const val& value) {
  val v = val::object();
  v.set(key, value);
  return v;
}
val error_value(const std::string& message) {
  val v = with("ok", val(false));
  v.set("error", message);
  return v;
}
val as_val(const val& v) { return v; }
val as_val(const json& j) { return to_val(j); }

enum class Reply { status, data };  // {ok: true, ...fields} | the value itself

// The adapter: runs one API call (its result JSON or a JS value); every
// failure becomes {ok: false, error}.
template <typename Fn>
val call(Fn&& fn, Reply reply = Reply::status) {
  try {
    val v = as_val(fn());
    if (reply == Reply::status) v.set("ok", true);
    return v;
  } catch (const std::bad_alloc&) {
    return error_value("out of memory");
  } catch (const std::exception& e) {
    return error_value(e.what());
  }
}

// n elements as a typed array ("Float32Array", "Uint8Array"), a copy owned by
// JS (the constructor copies the view). No val::call in this file: its
// thread_local method cache does not link in the single-thread build.
template <typename T>
val typed_array(const char* type, const T* data, size_t n) {
  return val::global(type).new_(val(emscripten::typed_memory_view(n, data)));
}

val analysis_value(const nope::AnalysisWire& w) {
  val v = to_val({{"meta", w.meta}});
  for (const nope::WireArray& a : nope::kAnalysisArrays) {
    const std::vector<float>& x = w.*a.data;
    v.set(a.name, typed_array("Float32Array", x.data(), x.size()));
  }
  return v;
}

// Threads for one run (core/threads.h): up to the Web Workers the glue
// started plus the calling thread in the threaded build (nopelab_mt.js),
// only 1 otherwise. Results are bit-identical for any count.
#ifdef __EMSCRIPTEN_PTHREADS__
constexpr bool kPthreads = true;
int max_threads() { return 1 + EM_ASM_INT({ return PThread.unusedWorkers.length + PThread.runningWorkers.length; }); }
#else
constexpr bool kPthreads = false;
int max_threads() { return 1; }
#endif
val thread_info() {
  return to_val({{"threads", nope::threads_count()}, {"max_threads", max_threads()}, {"pthreads", kPthreads}});
}

}  // namespace

EMSCRIPTEN_BINDINGS(nopelab) {
  using namespace nope;
  using api::Session;
  using emscripten::function;
  emscripten::class_<Session>("Session")
      .constructor<>()
      .function("create", +[](Session& s, val c) { return call([&] { return s.create(text_arg(c, "config")); }); })
      .function("info", +[](Session& s) { return call([&] { return s.info(); }); })
      .function("step", +[](Session& s, val n) { return call([&] { return s.step(arg(n)); }); })
      .function("evaluate", +[](Session& s, val length, val examples) {
        return call([&] { return s.evaluate(arg(length), arg(examples)); });
      })
      .function("analyze", +[](Session& s, val request) {
        return call([&] { return analysis_value(s.analyze(request_arg(request))); });
      })
      .function("saveCheckpoint", +[](Session& s, val with_optimizer) {
        return call([&] { return s.save_checkpoint(arg(with_optimizer)); });
      })
      .function("loadCheckpoint", +[](Session& s, val text) {
        return call([&] { return s.load_checkpoint(text_arg(text, "checkpoint")); });
      })
      // safetensors (docs/interop.md): a Uint8Array in, {safetensors: Uint8Array} out.
      .function("saveSafetensors", +[](Session& s) {
        return call([&] {
          const std::string bytes = s.save_safetensors();
          const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
          return with("safetensors", typed_array("Uint8Array", data, bytes.size()));
        });
      })
      .function("loadSafetensors", +[](Session& s, val bytes) {
        return call([&] { return s.load_safetensors(bytes_arg(bytes, "safetensors")); });
      });

  function("version", +[]() { return std::string(NOPE_VERSION); });
  function("schema", +[]() { return call(config_schema_json, Reply::data); });
  function("validateConfig", +[](val c) { return call([&] { return api::validate_config(text_arg(c, "config")); }); });

  function("sweepPlan", +[](val s) { return call([&] { return api::sweep_plan(spec(s)); }); });
  function("sweepRun", +[](val s, val run) { return call([&] { return api::sweep_run(spec(s), arg(run)); }); });
  function("sweepSummarize", +[](val s, val records) {
    return call([&] { return api::sweep_summarize(spec(s), text_arg(records, "records")); });
  });

  function("benchTraining", +[](val model, val steps) {
    return call([&] { return api::bench_training(arg(model), arg(steps)); });
  });
  function("benchGemm", +[]() { return call(api::bench_gemm, Reply::data); });
  function("benchSimdPeak", +[]() { return call(api::bench_simd_peak, Reply::data); });
  function("benchAnalysis", +[](val n) { return call([&] { return api::bench_analysis(arg(n)); }); });

  function("setThreads", +[](val n) {
    return call([&] { api::set_threads(arg(n), max_threads()); return thread_info(); });
  });
  function("threadInfo", +[]() { return call(thread_info); });

  // The GEMM micro-kernel (core/gemm_choice.h): force one; "" or "auto" for
  // the per-class choice, the default (web/worker.js passes ?kernel=).
  function("setKernel", +[](val name) { return call([&] { return api::set_kernel(arg(name)); }); });
  function("gemmKernels", +[]() { return call(api::gemm_kernels); });
  function("benchGemmKernels", +[]() { return call(api::bench_gemm_kernels, Reply::data); });
}
