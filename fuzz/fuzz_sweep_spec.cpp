// libFuzzer target for the sweep spec (`nopelab sweep --spec`, core/sweep/spec.h)
// and the CLI's `--axis path=v1,v2|range(a,b,n)|logrange(a,b,n)` arguments
// (core/sweep/axis_arg.h). An input starting with '{' is a spec or a preset;
// any other input is one --axis argument a line, swept over the default
// config. Either gives a spec whose normalised form parses back to itself and
// whose first and last runs plan (planning only: nothing trains or analyses),
// or a nope::Error; never a crash, leak, sanitizer report or other exception.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "error.h"
#include "sweep/axis_arg.h"
#include "sweep/plan.h"
#include "sweep/spec.h"

using json = nlohmann::json;

// Runs the spec would enumerate during validation (one config_load per cell):
// the product of the axes' lengths times seeds when that fits max_runs, else 0
// (validation refuses such a spec before enumerating, which is worth fuzzing).
static double runs_validated(const json& j) {
  const json& s = j.contains("sweep") && j["sweep"].is_object() ? j["sweep"] : j;
  double cells = 1;
  if (s.contains("axes") && s["axes"].is_array())
    for (const json& a : s["axes"])
      if (a.is_object() && a.contains("values") && a["values"].is_array()) cells *= (double)a["values"].size();
  const double seeds = s.contains("seeds") && s["seeds"].is_number() ? s["seeds"].get<double>() : 1;
  const double max_runs = s.contains("max_runs") && s["max_runs"].is_number() ? s["max_runs"].get<double>() : 5000;
  return cells * seeds <= max_runs ? cells * seeds : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  json spec;
  try {
    if (size > 0 && data[0] == '{') {
      spec = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
      if (spec.is_discarded()) return 0;
    } else {
      spec = {{"axes", json::array()}};
      const std::string text(reinterpret_cast<const char*>(data), size);
      size_t start = 0;
      for (;;) {
        const size_t nl = text.find('\n', start);
        const json axis = nope::sweep_axis_from_arg(text.substr(start, nl == std::string::npos ? nl : nl - start));
        for (const json& v : axis["values"])  // JSON has no inf or nan
          if (v.is_number_float() && !std::isfinite(v.get<double>())) std::abort();
        spec["axes"].push_back(axis);
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    }
  } catch (const nope::Error&) {
    return 0;
  }
  // A valid sweep of thousands of runs is validated cell by cell: correct
  // but slow, and the fuzzer looks for crashes, not slow sweeps.
  if (runs_validated(spec) > 512) return 0;

  nope::SweepSpec s;
  try {
    s = nope::sweep_spec_from_json(spec);
  } catch (const nope::Error&) {
    return 0;
  }
  // The normalised spec is a fixed point (shards and resumed sidecars compare
  // these dumps), and every run it counts can be planned.
  const json norm = nope::sweep_spec_to_json(s);
  if (nope::sweep_spec_to_json(nope::sweep_spec_from_json(norm)).dump() != norm.dump()) std::abort();
  const int n = nope::sweep_run_count(s);
  if (n < 1 || n > s.max_runs || n != nope::sweep_cell_count(s) * s.seeds) std::abort();
  for (int run : {0, n - 1}) {
    const nope::SweepRunPlan p = nope::sweep_plan_run(s, run);
    if (p.run != run || p.cell != run / s.seeds || p.cell_values.size() != s.axes.size()) std::abort();
  }
  for (int run : {-1, n}) {
    try {
      nope::sweep_plan_run(s, run);
      std::abort();
    } catch (const nope::Error&) {
    }
  }
  return 0;
}
