#include "sweep/run.h"

#include <chrono>
#include <cmath>
#include <set>

#include "analysis/analyze.h"
#include "error.h"
#include "eval_prefix.h"
#include "sweep/plan.h"
#include "trainer.h"

namespace nope {

using json = nlohmann::json;

std::vector<std::string> sweep_value_keys(const SweepSpec& s) {
  std::set<std::string> keys(s.measures.begin(), s.measures.end());
  for (const std::string& m : s.measures) {
    if (m == "adjacency") keys.insert("adjacency_chance");
    if (m.rfind("probe_mad_", 0) == 0) keys.insert("probe_mad_baseline");
  }
  return {keys.begin(), keys.end()};
}

// Non-finite numbers are null in the record (JSON has no NaN), in memory too,
// so a record read back from disk equals the one computed.
static json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

static bool asks(const SweepSpec& s, const char* m) {
  for (const std::string& x : s.measures)
    if (x == m) return true;
  return false;
}

json sweep_run(const SweepSpec& s, int run) {
  const auto t0 = std::chrono::steady_clock::now();
  const SweepRunPlan p = sweep_plan_run(s, run);
  json values = json::object();
  for (const std::string& k : sweep_value_keys(s)) values[k] = nullptr;
  json record{{"run", p.run}, {"cell", p.cell}, {"seed_index", p.seed_index}, {"seed", p.seed},
              {"cell_values", p.cell_values}};

  Trainer tr;
  trainer_init(tr, p.cfg);
  const bool trained = p.cfg.train.steps > 0;
  double final_loss = NAN;
  bool ok = true;
  if (trained) {
    try {
      final_loss = trainer_step(tr, p.cfg.train.steps).loss;
    } catch (const Error& e) {
      record["error"] = e.what();
      ok = false;
    }
  }

  // Analysis: only the spec's layer and site; probes only when asked.
  static const struct { const char* measure; ProbeFeatures f; } kProbes[] = {
      {"probe_mad_hidden", ProbeFeatures::hidden},
      {"probe_mad_cosine", ProbeFeatures::cosine},
      {"probe_mad_variance", ProbeFeatures::variance}};
  AnalysisRequest req;
  req.batch = p.analysis.batch;
  req.length = p.analysis.length;
  req.random_tokens = p.analysis.random_input;
  req.layers = {p.analysis.layer};
  req.sites = {p.analysis.site};
  req.attention = false;
  req.theory = false;
  req.seed = p.seed;  // as the page's analysis of this config would
  for (const auto& pr : kProbes)
    if (asks(s, pr.measure)) req.probe_features.push_back(pr.f);
  req.probes = !req.probe_features.empty();
  req.equivariance = asks(s, "equivariance");
  const bool wants_analysis = req.probes || req.equivariance || asks(s, "adjacency") || asks(s, "variance_slope");

  if (ok && wants_analysis) {
    const AnalysisResult r = analyze(tr.model, tr.cfg.task, req);
    const SiteResult& site = r.sites.at(0);
    if (asks(s, "adjacency")) {
      values["adjacency"] = number(site.similarity.adjacency_score);
      values["adjacency_chance"] = number(site.similarity.adjacency_chance);
    }
    if (asks(s, "variance_slope")) values["variance_slope"] = number(site.variance_slope);
    if (req.equivariance) values["equivariance"] = number(site.equivariance);
    for (const ProbeEntry& e : r.probes) {
      values[std::string("probe_mad_") + to_string(e.features)] = number(e.result.mad);
      values["probe_mad_baseline"] = number(e.result.mad_baseline);
    }
  }
  if (ok && trained) {
    const TaskConfig& task = tr.cfg.task;
    if (asks(s, "final_loss")) values["final_loss"] = number(final_loss);
    if (asks(s, "seq_acc_train"))
      values["seq_acc_train"] = number(evaluate(tr.model, task, p.seed, task.train_len, s.eval_examples).seq_acc);
    if (asks(s, "seq_acc_test") || asks(s, "token_acc_test")) {
      const EvalResult e = evaluate(tr.model, task, p.seed, task.test_len, s.eval_examples);
      if (asks(s, "seq_acc_test")) values["seq_acc_test"] = number(e.seq_acc);
      if (asks(s, "token_acc_test")) values["token_acc_test"] = number(e.token_acc);
    }
    if (asks(s, "token_acc_train"))
      values["token_acc_train"] = number(evaluate(tr.model, task, p.seed, task.train_len, s.eval_examples).token_acc);
    if (asks(s, "token_acc_train_prefix"))
      values["token_acc_train_prefix"] =
          number(evaluate_prefix(tr.model, task, p.seed, task.train_len, s.eval_examples).token_acc);
  }
  record["values"] = values;
  record["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return record;
}

}  // namespace nope
