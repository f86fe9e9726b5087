#include "sweep/run.h"

#include <chrono>
#include <cmath>
#include <set>

#include "analysis/analyze.h"
#include "error.h"
#include "sweep/measures.h"
#include "sweep/plan.h"
#include "trainer.h"

namespace nope {

using json = nlohmann::json;

std::vector<std::string> sweep_value_keys(const SweepSpec& s) {
  std::set<std::string> keys(s.measures.begin(), s.measures.end());
  for (const std::string& name : s.measures)
    if (const SweepMeasure* m = sweep_measure(name); m && m->baseline) keys.insert(m->baseline);
  return {keys.begin(), keys.end()};
}

// Non-finite numbers are null in the record (JSON has no NaN), in memory too,
// so a record read back from disk equals the one computed.
static json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

// The analysis the asked measures read: only the spec's layer and site, and
// only the probes asked for.
static AnalysisRequest measure_analysis(const SweepRunPlan& p, const std::vector<const SweepMeasure*>& asked,
                                        bool* wanted) {
  AnalysisRequest req;
  req.batch = p.analysis.batch;
  req.length = p.analysis.length;
  req.random_tokens = p.analysis.random_input;
  req.layers = {p.analysis.layer};
  req.sites = {p.analysis.site};
  req.attention = false;
  req.theory = false;
  req.seed = p.seed;  // as the page's analysis of this config would
  *wanted = false;
  for (const SweepMeasure* m : asked) {
    *wanted |= m->needs_analysis;
    ProbeFeatures f;
    if (m->probe_features && probe_features_from_string(m->probe_features, &f)) req.probe_features.push_back(f);
  }
  req.probes = !req.probe_features.empty();
  return req;
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

  std::vector<const SweepMeasure*> asked;
  for (const std::string& name : s.measures) asked.push_back(sweep_measure(name));  // the spec checked the names
  if (ok) {
    MeasureInputs in(s, p, tr, final_loss);
    bool wants_analysis = false;
    const AnalysisRequest req = measure_analysis(p, asked, &wants_analysis);
    AnalysisResult analysis;
    if (wants_analysis) {
      analysis = analyze(tr.model, tr.cfg.task, req);
      in.analysis = &analysis;
    }
    for (const SweepMeasure* m : asked) {
      if (m->needs_training && !trained) continue;
      values[m->name] = number(m->value(in, *m));
      if (m->baseline) values[m->baseline] = number(m->baseline_value(in, *m));
    }
  }
  record["values"] = values;
  record["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return record;
}

}  // namespace nope
