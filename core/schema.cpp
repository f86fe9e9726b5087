// The config schema: config_fields() (recorded from the parser) plus the
// defaults of Config{} and a one-line doc per field, and the registries'
// rows as data.
#include "schema.h"

#include <string>

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "analysis/wire.h"
#include "config.h"
#include "error.h"
#include "model.h"
#include "results_json.h"
#include "sweep/measures.h"

namespace nope {

using json = nlohmann::json;

namespace {

struct FieldDoc {
  const char* path;
  const char* doc;
};

// One line each; docs/config.md says more.
const FieldDoc kDocs[] = {
    {"model.d_model", "width C of the residual stream"},
    {"model.n_heads", "attention heads NH; must divide d_model"},
    {"model.n_layers", "transformer blocks L"},
    {"model.d_ff", "hidden width F of the MLP"},
    {"model.pos_encoding", "positional encoding; none is NoPE"},
    {"model.attention", "attention mask"},
    {"model.norm", "LayerNorm placement (none: no LayerNorm anywhere)"},
    {"model.bias", "biases in every Linear layer and LayerNorm"},
    {"model.tie_embeddings", "LM head reuses wte"},
    {"model.t5_buckets", "t5_bias: buckets of relative offsets (half per direction when bidirectional)"},
    {"model.t5_max_distance", "t5_bias: offsets at or beyond it share the last bucket"},
    {"model.init.scheme", "initialisation of the weight matrices"},
    {"model.init.std", "std of weight matrices for normal and gpt2"},
    {"model.init.embed_std", "std of wte, wpe, wnp, wix and rel_bias, whatever the scheme"},
    {"task.name", "task (formats in docs/tasks.md)"},
    {"task.train_len", "items per training example"},
    {"task.test_len", "longest length evaluated (length generalisation); >= train_len"},
    {"task.vocab_size", "symbols the task draws from (add and lm ignore it)"},
    {"task.vary_length", "train on lengths drawn uniformly from [1, train_len]"},
    {"train.steps", "optimizer steps"},
    {"train.batch_size", "examples per step"},
    {"train.lr", "peak AdamW learning rate"},
    {"train.weight_decay", "decoupled weight decay, on matrices only"},
    {"train.warmup", "linear warm-up steps, then cosine decay to 10% of lr; <= steps"},
    {"train.clip", "global gradient-norm clip; 0 disables"},
    {"train.seed", "seeds weights, training data and evaluation data"},
};

template <typename Row>
json names_of(const std::vector<Row>& rows) {
  json out = json::array();
  for (const Row& r : rows) out.push_back(r.name);
  return out;
}

json text_or_null(const char* s) { return s ? json(s) : json(nullptr); }

}  // namespace

nlohmann::json registries_json() {
  json measures = json::array(), sites = json::array(), features = json::array(), arrays = json::array(),
       encodings = json::array();
  for (const SweepMeasure& m : sweep_measure_rows())
    measures.push_back({{"name", m.name},
                        {"label", m.label},
                        {"needs_training", m.needs_training},
                        {"needs_analysis", m.needs_analysis},
                        {"probe_features", text_or_null(m.probe_features)},
                        {"default", m.by_default},
                        {"baseline", text_or_null(m.baseline)},
                        {"baseline_label", text_or_null(m.baseline_label)}});
  for (const SiteRow& r : site_rows()) sites.push_back({{"name", r.name}, {"label", r.label}, {"doc", r.doc}});
  for (const ProbeFeatureRow& r : probe_feature_rows())
    features.push_back({{"name", r.name}, {"label", r.label}, {"doc", r.doc}});
  for (const WireArray& a : kAnalysisArrays) arrays.push_back({{"name", a.name}, {"layout", a.layout}});
  for (const PosEncodingRow& r : pos_encoding_rows())
    encodings.push_back({{"name", r.name}, {"label", r.label}, {"doc", r.doc}, {"variance_theory", r.variance_theory}});
  return {{"measures", measures},
          {"sites", sites},
          {"probe_features", features},
          {"analysis_arrays", arrays},
          {"pos_encodings", encodings}};
}

nlohmann::json config_schema_json() {
  const nlohmann::json defaults = config_to_json(Config());
  nlohmann::json fields = nlohmann::json::array();
  for (const ConfigField& f : config_fields()) {
    const char* doc = nullptr;
    for (const FieldDoc& d : kDocs)
      if (f.path == d.path) doc = d.doc;
    const json* def = config_at_path(defaults, f.path);
    if (!doc || !def) throw Error("schema: field " + f.path + " has no doc or default");  // a bug, caught by tests
    nlohmann::json out{{"path", f.path}, {"type", f.type}, {"default", *def}, {"doc", doc}};
    const std::string type = f.type;
    if (type == "int" || type == "number") {
      if (type == "int") {
        out["min"] = (long long)f.lo;
        out["max"] = (long long)f.hi;
      } else {
        out["min"] = f.lo;
        out["max"] = f.hi;
      }
      if (f.lo_open) out["min_open"] = true;
    }
    if (type == "enum") out["values"] = f.values;
    fields.push_back(out);
  }
  return {{"version", 1},
          {"fields", fields},
          {"sites", names_of(site_rows())},
          {"probe_features", names_of(probe_feature_rows())},
          {"registries", registries_json()},
          {"limits",
           {{"max_seq", Limits::max_seq},
            {"max_bytes", Limits::max_bytes},
            {"max_eval_examples", ResultLimits::max_eval_examples},
            {"max_steps_per_call", ResultLimits::max_steps_per_call}}}};
}

}  // namespace nope
