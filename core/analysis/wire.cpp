// Packs an AnalysisResult into the web app's wire layout (see wire.h).
#include "analysis/wire.h"

#include <cstring>

namespace nope {

AnalysisWire analysis_wire(const AnalysisResult& r, int step) {
  AnalysisWire w;
  const size_t T = r.T, S = r.sites.size();
  w.similarity.resize(S * T * T);
  w.variance.resize(S * T);
  w.decay.resize(S * T);
  w.theory.assign(S * T, 0.0f);
  nlohmann::json site_order = nlohmann::json::array(), layer_order = nlohmann::json::array();
  for (size_t s = 0; s < S; s++) {
    const SiteResult& x = r.sites[s];
    site_order.push_back({{"layer", x.layer}, {"site", to_string(x.site)}});
    std::copy(x.similarity.mean_similarity.begin(), x.similarity.mean_similarity.end(), w.similarity.begin() + s * T * T);
    std::copy(x.variance.begin(), x.variance.end(), w.variance.begin() + s * T);
    std::copy(x.similarity.decay.begin(), x.similarity.decay.end(), w.decay.begin() + s * T);
    std::copy(x.theory.begin(), x.theory.end(), w.theory.begin() + s * T);
  }
  int NH = 0;
  for (const LayerAttention& a : r.attention) {
    layer_order.push_back(a.layer);
    NH = a.summary.NH;
    w.attention.insert(w.attention.end(), a.summary.maps.begin(), a.summary.maps.end());
  }
  for (const ProbeEntry& p : r.probes)
    w.probe_predicted.insert(w.probe_predicted.end(), p.result.predicted.begin(), p.result.predicted.end());
  if (r.has_demo)
    for (size_t s = 0; s < S; s++) {
      w.demo_original_permuted.insert(w.demo_original_permuted.end(), r.demo.original_permuted[s].begin(),
                                      r.demo.original_permuted[s].end());
      w.demo_permuted_input.insert(w.demo_permuted_input.end(), r.demo.permuted_input[s].begin(),
                                   r.demo.permuted_input[s].end());
    }
  w.meta = analysis_to_json(r, false);
  for (nlohmann::json& p : w.meta["probes"]) p.erase("predicted");  // in probe_predicted
  w.meta["site_order"] = site_order;
  w.meta["layer_order"] = layer_order;
  w.meta["n_heads"] = NH;
  w.meta["step"] = step;
  return w;
}

AnalysisWire analysis_wire_for_request(Model& m, const TaskConfig& task, uint64_t run_seed, int step,
                                       const nlohmann::json& request) {
  AnalysisRequest req = analysis_request_from_json(request);
  if (!request.is_object() || !request.contains("seed")) req.seed = run_seed;
  return analysis_wire(analyze(m, task, req), step);
}

const std::vector<float>* analysis_wire_array(const AnalysisWire& w, const char* name) {
  const std::vector<float>* arrays[] = {&w.similarity, &w.variance,        &w.decay,
                                        &w.theory,     &w.attention,       &w.probe_predicted,
                                        &w.demo_original_permuted, &w.demo_permuted_input};
  for (size_t i = 0; i < kAnalysisArrays.size(); i++)
    if (!std::strcmp(name, kAnalysisArrays[i])) return arrays[i];
  return nullptr;
}

}  // namespace nope
