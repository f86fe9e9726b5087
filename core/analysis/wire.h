// The analysis as the web app receives it (docs/worker-protocol.md): small
// structured metadata plus eight flat float32 arrays, each laid out by
// meta.site_order (S sites), meta.layer_order (L layers) or meta.probes (P):
//   similarity (S, T, T)  variance (S, T)  decay (S, T)
//   theory (S, T; 0 where the theory does not apply)
//   attention (L, NH, T, T)  probe_predicted (P, T)
//   demo_original_permuted (S, T, C)  demo_permuted_input (S, T, C)
//     (the permutation demo's P f(X) and f(P X); empty unless requested)
// The bindings only copy these out; the layout is tested natively.
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
  std::vector<float> demo_original_permuted, demo_permuted_input;
};

// The array names in the order above (the keys the web app reads).
constexpr std::array<const char*, 8> kAnalysisArrays = {"similarity",           "variance",
                                                        "decay",                "theory",
                                                        "attention",            "probe_predicted",
                                                        "demo_original_permuted", "demo_permuted_input"};

AnalysisWire analysis_wire(const AnalysisResult& r, int step);
// What Session.analyze does: reads the request (analysis_request_from_json;
// its seed defaults to the run's), analyses the model and packs the result.
AnalysisWire analysis_wire_for_request(Model& m, const TaskConfig& task, uint64_t run_seed, int step,
                                       const nlohmann::json& request);
// The array called `name` (one of kAnalysisArrays); nullptr for another name.
const std::vector<float>* analysis_wire_array(const AnalysisWire& w, const char* name);

}  // namespace nope
