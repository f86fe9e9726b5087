#include "analysis/analyze.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "analysis/decay_theory.h"
#include "analysis/equivariance.h"
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
                                  "probes", "probe_features", "theory", "equivariance", "permutation_demo", "seed"};
    bool ok = false;
    for (const char* k : known) ok |= it.key() == k;
    if (!ok) throw Error("analysis." + it.key() + ": unknown field");
  }
  int_field("batch", 1, 1024, &r.batch);
  int_field("length", 0, Limits::max_seq, &r.length);
  bool_field("attention", &r.attention);
  bool_field("probes", &r.probes);
  bool_field("theory", &r.theory);
  bool_field("equivariance", &r.equivariance);
  if (j.contains("permutation_demo")) {
    const json& v = j["permutation_demo"];
    if (v.is_boolean()) {
      r.permutation_demo = v.get<bool>();
    } else if (v.is_object()) {
      r.permutation_demo = true;
      for (auto it = v.begin(); it != v.end(); ++it)
        if (it.key() != "tokens" && it.key() != "permutation")
          throw Error("analysis.permutation_demo." + it.key() + ": unknown field (expected tokens, permutation)");
      auto ints = [&](const char* k, std::vector<int>* out) {
        if (!v.contains(k)) return;
        if (!v[k].is_array()) throw Error(std::string("analysis.permutation_demo.") + k + " must be an array of integers");
        for (const json& x : v[k]) {
          if (!x.is_number_integer() || x.get<long>() < 0 || x.get<long>() > Limits::max_seq * 1000L)
            throw Error(std::string("analysis.permutation_demo.") + k + " has " + x.dump() +
                        ", expected a non-negative integer");
          out->push_back(x.get<int>());
        }
      };
      ints("tokens", &r.demo_tokens);
      ints("permutation", &r.demo_permutation);
    } else {
      throw Error("analysis.permutation_demo must be true, false or {tokens, permutation}");
    }
  }
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

// The demo's sequence and permutation, checked before any work: by default
// the equivariance measure's first (sequence, permutation) pair.
static void demo_inputs(PermutationDemo& d, const Model& m, int T, const AnalysisRequest& req) {
  const EquivarianceBatch first = equivariance_batch(m.V, T, 1, 1, req.seed);
  d.tokens = req.demo_tokens.empty() ? std::vector<int>(first.tokens.begin(), first.tokens.begin() + T) : req.demo_tokens;
  d.permutation = req.demo_permutation.empty() ? first.perms[0] : req.demo_permutation;
  if ((int)d.tokens.size() != T)
    throw Error("analysis.permutation_demo.tokens has " + std::to_string(d.tokens.size()) +
                " entries, expected the analysis length " + std::to_string(T));
  for (int x : d.tokens)
    if (x >= m.V)
      throw Error("analysis.permutation_demo.tokens has " + std::to_string(x) + ", out of range [0, " +
                  std::to_string(m.V - 1) + "]");
  if ((int)d.permutation.size() != T)
    throw Error("analysis.permutation_demo.permutation has " + std::to_string(d.permutation.size()) +
                " entries, expected the analysis length " + std::to_string(T));
  std::vector<char> seen(T, 0);
  for (int x : d.permutation) {
    if (x >= T || seen[x])
      throw Error("analysis.permutation_demo.permutation is not a permutation of 0.." + std::to_string(T - 1) +
                  " (" + std::to_string(x) + (x >= T ? " out of range)" : " repeated)"));
    seen[x] = 1;
  }
}

// The demo sequence, original and permuted, in one forward pass of batch 2.
static void permutation_demo(AnalysisResult& r, Model& m, int T) {
  PermutationDemo& d = r.demo;
  std::vector<int> tokens(2 * (size_t)T);
  std::copy(d.tokens.begin(), d.tokens.end(), tokens.begin());
  permute_tokens(tokens.data() + T, d.tokens.data(), d.permutation);
  model_forward(m, tokens.data(), nullptr, 2, T);
  const int C = m.cfg.d_model;
  d.C = C;
  for (const SiteResult& sr : r.sites) {
    const real* h = model_site(m, sr.layer, sr.site);
    std::vector<float> orig((size_t)T * C), perm(h + (size_t)T * C, h + (size_t)2 * T * C);
    for (int t = 0; t < T; t++)
      std::copy(h + (size_t)d.permutation[t] * C, h + (size_t)(d.permutation[t] + 1) * C, orig.begin() + (size_t)t * C);
    d.deviation.push_back(equivariance_pair(h, h + (size_t)T * C, d.permutation, T, C));
    d.original_permuted.push_back(std::move(orig));
    d.permuted_input.push_back(std::move(perm));
  }
  r.has_demo = true;
}

// The uniform-averaging decay prediction: the first layer's attention output
// of a causal NoPE model on independent random tokens (decay_theory.h). It
// is the random-init prediction; for a trained model the gap says how far
// the model has moved from uniform averaging.
static bool decay_theory_applies(const ModelConfig& c, int layer, Site s, bool random_tokens) {
  return layer == 0 && s == Site::attn_out && c.attention == AttentionMask::causal &&
         c.pos_encoding == PosEncoding::none && random_tokens;
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
  AnalysisResult r;
  if (req.permutation_demo) demo_inputs(r.demo, m, T, req);
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

  r.B = B;
  r.T = T;
  r.random_tokens = req.random_tokens;
  const double content_null = adjacency_content_null(tokens.data(), B, T, c.d_model, req.seed);
  // The landmark baseline depends on the tokens only: one fit per analysis.
  const double mad_landmark = req.probes ? position_probe_tokens(tokens.data(), B, T, req.seed).mad : -1;
  const int C = c.d_model;
  // Sites that are one buffer (a block's input is the block before's
  // output; after a post-norm, norm1 is the input) are measured once: the
  // measures are functions of the states alone. site_buffers[k] is
  // r.sites[k]'s buffer, site_probes[k] the index of its first probe.
  std::vector<const real*> site_buffers;
  std::vector<size_t> site_probes;
  auto measured = [&](const real* h) -> int {
    for (size_t k = 0; k < site_buffers.size(); k++)
      if (site_buffers[k] == h) return (int)k;
    return -1;
  };
  for (int l : layers) {
    for (Site s : sites) {
      const real* h = model_site(m, l, s);
      SiteResult sr;
      sr.layer = l;
      sr.site = s;
      sr.adjacency_null = content_null;
      const int same = measured(h);
      if (same >= 0) {
        sr.similarity = r.sites[same].similarity;
        sr.variance = r.sites[same].variance;
        sr.variance_slope = r.sites[same].variance_slope;
      } else {
        similarity_summary(sr.similarity, h, B, T, C);
        sr.variance.resize(T);
        variance_profile(sr.variance.data(), h, B, T, C);
        sr.variance_slope = loglog_slope(sr.variance.data(), T);
      }
      if (req.theory && theory_applies(c, l, s)) {
        sr.theory.resize(T);
        variance_theory(sr.theory.data(), c.init.std, C, T);
      }
      if (decay_theory_applies(c, l, s, req.random_tokens)) {
        sr.decay_rho = averaging_rho(h, B, T, C);
        sr.decay_theory.resize(T);
        decay_theory(sr.decay_theory.data(), sr.decay_rho, T);
        sr.decay_gap = decay_theory_gap(sr.similarity.decay.data(), sr.decay_theory.data(), T);
      }
      r.sites.push_back(std::move(sr));
      site_buffers.push_back(h);
      site_probes.push_back(r.probes.size());
      if (req.probes)
        for (size_t i = 0; i < feats.size(); i++) {
          const ProbeFeatures f = feats[i];
          r.probes.push_back({l, s, f, same >= 0 ? r.probes[site_probes[same] + i].result
                                                 : position_probe(h, B, T, C, f, req.seed)});
          r.probes.back().result.mad_landmark = mad_landmark;
        }
    }
    if (req.attention) {
      LayerAttention la;
      la.layer = l;
      attention_summary(la.summary, model_attention(m, l), B, c.n_heads, T);
      r.attention.push_back(std::move(la));
    }
  }
  // Both passes below overwrite the activation buffers, so they run last.
  if (req.equivariance) {
    const EquivarianceBatch eb =
        equivariance_batch(m.V, T, kEquivarianceSequences, kEquivariancePermutations, req.seed);
    model_forward(m, eb.tokens.data(), nullptr, eb.rows(), T);
    for (SiteResult& sr : r.sites) sr.equivariance = equivariance_deviation(model_site(m, sr.layer, sr.site), eb, C);
    r.equivariance = true;
  }
  if (req.permutation_demo) permutation_demo(r, m, T);
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
              {"adjacency_null", s.adjacency_null},
              {"variance_profile", s.variance},
              {"variance_slope", s.variance_slope},
              {"decay_profile", s.similarity.decay}};
    if (!s.theory.empty()) site["variance_theory"] = s.theory;
    if (r.equivariance) site["equivariance"] = s.equivariance;
    if (!s.decay_theory.empty()) {
      site["decay_theory"] = s.decay_theory;
      site["decay_theory_rho"] = s.decay_rho;
      site["decay_theory_gap"] = s.decay_gap;
    }
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
                      {"mad_landmark", p.result.mad_landmark},
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
  json out{{"batch", r.B}, {"T", r.T}, {"input", r.random_tokens ? "random" : "task"}, {"seconds", r.seconds}, {"layers", layers}, {"probes", probes},
            {"attention", attention}};
  if (r.equivariance)
    out["equivariance_inputs"] = {{"input", "random"},
                                  {"sequences", kEquivarianceSequences},
                                  {"permutations", kEquivariancePermutations},
                                  {"permuted_positions", "all"}};
  if (r.has_demo) {
    json sites = json::array();
    for (size_t k = 0; k < r.sites.size(); k++) {
      json x{{"layer", r.sites[k].layer}, {"site", to_string(r.sites[k].site)}, {"deviation", r.demo.deviation[k]}};
      if (include_matrices) {
        x["original_permuted"] = matrix_json(std::vector<double>(r.demo.original_permuted[k].begin(), r.demo.original_permuted[k].end()), r.T, r.demo.C);
        x["permuted_input"] = matrix_json(std::vector<double>(r.demo.permuted_input[k].begin(), r.demo.permuted_input[k].end()), r.T, r.demo.C);
      }
      sites.push_back(x);
    }
    out["permutation_demo"] = {{"tokens", r.demo.tokens}, {"permutation", r.demo.permutation}, {"C", r.demo.C}, {"sites", sites}};
  }
  return out;
}

}  // namespace nope
