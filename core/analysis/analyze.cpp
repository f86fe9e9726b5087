#include "analysis/analyze.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "analysis/variance.h"
#include "error.h"
#include "json_check.h"
#include "rng.h"
#include "tasks.h"

namespace nope {

using json = nlohmann::json;

AnalysisRequest analysis_request_from_json(const json& j) {
  AnalysisRequest r;
  if (j.is_null()) return r;
  if (!j.is_object()) throw Error("analysis request must be a JSON object");
  auto int_field = [&](const char* k, int lo, int hi, int* out) {
    *out = json_int_field(j, k, std::string("analysis.") + k, *out, lo, hi);
  };
  auto bool_field = [&](const char* k, bool* out) {
    if (!j.contains(k)) return;
    if (!j[k].is_boolean()) throw Error(std::string("analysis.") + k + " must be true or false");
    *out = j[k].get<bool>();
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    static const char* known[] = {"batch", "length", "input", "layers", "sites", "attention",
                                  "probes", "probe_features", "theory", "seed"};
    bool ok = false;
    for (const char* k : known) ok |= it.key() == k;
    if (!ok) throw Error("analysis." + it.key() + ": unknown field");
  }
  int_field("batch", 1, 1024, &r.batch);
  int_field("length", 0, Limits::max_seq, &r.length);
  bool_field("attention", &r.attention);
  bool_field("probes", &r.probes);
  bool_field("theory", &r.theory);
  if (j.contains("seed")) {
    const json& v = j["seed"];
    if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<long long>() < 0))
      throw Error("analysis.seed must be a non-negative integer");
    r.seed = j["seed"].get<uint64_t>();
  }
  if (j.contains("input")) {
    const json& v = j["input"];
    if (v == "random") r.random_tokens = true;
    else if (v == "task") r.random_tokens = false;
    else throw Error("analysis.input = " + v.dump() + " is not one of random|task");
  }
  if (j.contains("layers")) {
    if (!j["layers"].is_array()) throw Error("analysis.layers must be an array of layer indices");
    for (const json& v : j["layers"]) {
      if (!v.is_number_integer() || v.get<long>() < 0 || v.get<long>() >= Limits::max_layers)
        throw Error("analysis.layers has " + v.dump() + ", expected a layer index");
      r.layers.push_back(v.get<int>());
    }
  }
  // A list of registry names (sites, probe feature sets) into their enum.
  auto names = [&](const char* key, const std::string& all, auto parse, auto* out) {
    if (!j.contains(key)) return;
    if (!j[key].is_array()) throw Error(std::string("analysis.") + key + " must be an array of names");
    for (const json& v : j[key]) {
      typename std::decay_t<decltype(*out)>::value_type x;
      if (!v.is_string() || !parse(v.get<std::string>(), &x))
        throw Error(std::string("analysis.") + key + " has " + v.dump() + ", expected one of " + all);
      out->push_back(x);
    }
  };
  names("sites", site_names_joined(), site_from_string, &r.sites);
  names("probe_features", probe_feature_names_joined(), probe_features_from_string, &r.probe_features);
  return r;
}

// The small-sigma law holds for the first layer's attention output at a
// normal init of a pre-norm causal model (docs/science.md, Chi et al.).
static bool theory_applies(const ModelConfig& c, int layer, Site s) {
  return layer == 0 && s == Site::attn_out && c.init.scheme == InitScheme::normal && c.norm == NormPlacement::pre &&
         c.attention == AttentionMask::causal && pos_encoding_row(c.pos_encoding).variance_theory;
}

AnalysisResult analyze(Model& m, const TaskConfig& task, const AnalysisRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  const ModelConfig& c = m.cfg;
  const int B = req.batch;
  if (req.probes && B < 3) throw Error("analysis.batch must be at least 3 for probes, got " + std::to_string(B));

  // Input batch: uniform random tokens (the reference setting of docs/science.md)
  // or task examples; both from the analysis stream of the seed.
  Rng rng = rng_stream(req.seed, kStreamAnalysis);
  std::vector<int> tokens;
  int T = 0;
  if (req.random_tokens) {
    T = req.length > 0 ? req.length : task_seq_len(task, task.train_len);
    if (T > m.maxT)
      throw Error("analysis.length = " + std::to_string(T) + " exceeds the model's maximum sequence length " +
                  std::to_string(m.maxT));
    tokens.resize((size_t)B * T);
    for (int& t : tokens) t = (int)rng_below(rng, (uint32_t)m.V);
  } else {
    // For task input, `length` is the number of task items.
    Batch batch;
    task_batch(batch, task, req.length > 0 ? req.length : task.train_len, B, rng);
    T = batch.T;
    if (T > m.maxT) throw Error("analysis.length gives sequences longer than the model's maximum");
    tokens = batch.tokens;
  }
  model_forward(m, tokens.data(), nullptr, B, T);

  std::vector<int> layers = req.layers;
  if (layers.empty())
    for (int l = 0; l < c.n_layers; l++) layers.push_back(l);
  for (int l : layers)
    if (l < 0 || l >= c.n_layers)
      throw Error("analysis.layers has " + std::to_string(l) + " but the model has " + std::to_string(c.n_layers) +
                  " layers");
  std::vector<Site> sites = req.sites;
  if (sites.empty())
    for (const SiteRow& row : site_rows()) sites.push_back(row.site);
  std::vector<ProbeFeatures> feats = req.probe_features;
  if (feats.empty())
    for (const ProbeFeatureRow& row : probe_feature_rows()) feats.push_back(row.id);

  AnalysisResult r;
  r.B = B;
  r.T = T;
  const int C = c.d_model;
  for (int l : layers) {
    for (Site s : sites) {
      const real* h = model_site(m, l, s);
      SiteResult sr;
      sr.layer = l;
      sr.site = s;
      similarity_summary(sr.similarity, h, B, T, C);
      sr.variance.resize(T);
      variance_profile(sr.variance.data(), h, B, T, C);
      sr.variance_slope = loglog_slope(sr.variance.data(), T);
      if (req.theory && theory_applies(c, l, s)) {
        sr.theory.resize(T);
        variance_theory(sr.theory.data(), c.init.std, C, T);
      }
      r.sites.push_back(std::move(sr));
      if (req.probes)
        for (ProbeFeatures f : feats) r.probes.push_back({l, s, f, position_probe(h, B, T, C, f, req.seed)});
    }
    if (req.attention) {
      LayerAttention la;
      la.layer = l;
      attention_summary(la.summary, model_attention(m, l), B, c.n_heads, T);
      r.attention.push_back(std::move(la));
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

static json matrix_json(const std::vector<double>& v, int rows, int cols) {
  json out = json::array();
  for (int i = 0; i < rows; i++) out.push_back(std::vector<double>(v.begin() + (size_t)i * cols, v.begin() + (size_t)(i + 1) * cols));
  return out;
}

json analysis_to_json(const AnalysisResult& r, bool include_matrices) {
  json layers = json::array();
  for (const SiteResult& s : r.sites) {
    if (layers.empty() || layers.back()["layer"] != s.layer) layers.push_back({{"layer", s.layer}, {"sites", json::object()}});
    json site{{"adjacency_score", s.similarity.adjacency_score},
              {"adjacency_chance", s.similarity.adjacency_chance},
              {"variance_profile", s.variance},
              {"variance_slope", s.variance_slope},
              {"decay_profile", s.similarity.decay}};
    if (!s.theory.empty()) site["variance_theory"] = s.theory;
    if (include_matrices) site["similarity"] = matrix_json(s.similarity.mean_similarity, r.T, r.T);
    layers.back()["sites"][to_string(s.site)] = site;
  }
  json probes = json::array();
  for (const ProbeEntry& p : r.probes)
    probes.push_back({{"layer", p.layer},
                      {"site", to_string(p.site)},
                      {"features", to_string(p.features)},
                      {"mad", p.result.mad},
                      {"mad_baseline", p.result.mad_baseline},
                      {"mad_constant", p.result.mad_constant},
                      {"r2", p.result.r2},
                      {"lambda", p.result.lambda},
                      {"predicted", p.result.predicted}});
  json attention = json::array();
  for (const LayerAttention& a : r.attention) {
    json heads = json::array();
    for (int h = 0; h < a.summary.NH; h++) {
      json head{{"head", h}, {"mean_distance", a.summary.mean_distance[h]}};
      if (include_matrices) {
        std::vector<double> map(a.summary.maps.begin() + (size_t)h * r.T * r.T,
                                a.summary.maps.begin() + (size_t)(h + 1) * r.T * r.T);
        head["map"] = matrix_json(map, r.T, r.T);
      }
      heads.push_back(head);
    }
    attention.push_back({{"layer", a.layer}, {"heads", heads}});
  }
  return json{{"batch", r.B}, {"T", r.T}, {"seconds", r.seconds}, {"layers", layers}, {"probes", probes},
              {"attention", attention}};
}

}  // namespace nope
