// The analysis as the web app receives it (docs/worker-protocol.md): small
// structured metadata plus flat float32 arrays, each laid out by
// meta.site_order (S sites), meta.layer_order (L layers) or meta.probes (P)
// as its row in kAnalysisArrays says. The bindings only copy these out; the
// layout is tested natively. To add an array: a member of AnalysisWire, a
// row in kAnalysisArrays, and its packing in analysis_wire (wire.cpp); the
// schema, the bindings and the worker pick it up from the row.
#pragma once
#include <array>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"

namespace nope {

struct AnalysisWire {
  // analysis_to_json without matrices or probe predictions, plus
  // site_order [{layer, site}], layer_order [layer], n_heads and step.
  nlohmann::json meta;
  std::vector<float> similarity, variance, decay, theory, attention, probe_predicted;
};

// One array of the wire: its key, its layout and where AnalysisWire holds it.
struct WireArray {
  const char* name;    // the key the web app reads
  const char* layout;  // shape in the dimension names of docs/worker-protocol.md
  std::vector<float> AnalysisWire::*data;
  constexpr operator const char*() const { return name; }  // a row reads as its name
};

// The arrays, in the order the bindings set them.
constexpr std::array<WireArray, 6> kAnalysisArrays = {{
    {"similarity", "(S, T, T)", &AnalysisWire::similarity},
    {"variance", "(S, T)", &AnalysisWire::variance},
    {"decay", "(S, T)", &AnalysisWire::decay},
    {"theory", "(S, T); 0 where the theory does not apply", &AnalysisWire::theory},
    {"attention", "(L, NH, T, T)", &AnalysisWire::attention},
    {"probe_predicted", "(P, T)", &AnalysisWire::probe_predicted},
}};

AnalysisWire analysis_wire(const AnalysisResult& r, int step);
// What Session.analyze does: reads the request (analysis_request_from_json;
// its seed defaults to the run's), analyses the model and packs the result.
AnalysisWire analysis_wire_for_request(Model& m, const TaskConfig& task, uint64_t run_seed, int step,
                                       const nlohmann::json& request);
// The array called `name` (one of kAnalysisArrays); nullptr for another name.
const std::vector<float>* analysis_wire_array(const AnalysisWire& w, const char* name);

}  // namespace nope
