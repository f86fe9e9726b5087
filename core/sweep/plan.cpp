#include "sweep/plan.h"

#include "error.h"
#include "tasks.h"

namespace nope {

using json = nlohmann::json;

// Index of each axis's value in a cell: row-major, the last axis fastest.
static std::vector<int> cell_indices(const SweepSpec& s, int cell) {
  std::vector<int> idx(s.axes.size());
  for (int a = (int)s.axes.size() - 1; a >= 0; a--) {
    const int n = (int)s.axes[a].values.size();
    idx[a] = cell % n;
    cell /= n;
  }
  return idx;
}

json sweep_cell_values(const SweepSpec& s, int cell) {
  const std::vector<int> idx = cell_indices(s, cell);
  json v = json::object();
  for (size_t a = 0; a < s.axes.size(); a++) v[s.axes[a].path] = s.axes[a].values[idx[a]];
  return v;
}

void sweep_cell_setup(const SweepSpec& s, int cell, Config* cfg, SweepAnalysis* analysis) {
  const std::vector<int> idx = cell_indices(s, cell);
  json base = s.base;
  *analysis = s.analysis;
  for (size_t a = 0; a < s.axes.size(); a++) {
    const json& v = s.axes[a].values[idx[a]];
    if (s.axes[a].path == "analysis.layer") analysis->layer = (int)v.get<double>();
    else if (s.axes[a].path == "analysis.site") site_from_string(v.get<std::string>(), &analysis->site);
    else config_set(base, s.axes[a].path + "=" + v.dump());
  }
  auto where = [&] { return "cell " + std::to_string(cell) + " " + sweep_cell_values(s, cell).dump(); };
  try {
    *cfg = config_from_json(base);
  } catch (const Error& e) {
    throw Error(where() + ": " + e.what());
  }
  if (analysis->layer >= cfg->model.n_layers)
    throw Error(where() + ": analysis.layer = " + std::to_string(analysis->layer) + " but model.n_layers = " +
                std::to_string(cfg->model.n_layers));
  // The model is built for the longest evaluated sequence (trainer_init).
  const int maxT = task_seq_len(cfg->task, cfg->task.test_len);
  const int T = analysis->random_input ? (analysis->length > 0 ? analysis->length : task_seq_len(cfg->task, cfg->task.train_len))
                                       : task_seq_len(cfg->task, analysis->length > 0 ? analysis->length : cfg->task.train_len);
  if (T > maxT)
    throw Error(where() + ": analysis.length gives sequences of " + std::to_string(T) +
                " tokens, longer than the model's maximum " + std::to_string(maxT) + " (set by task.test_len)");
}

SweepRunPlan sweep_plan_run(const SweepSpec& s, int run) {
  const int n = sweep_run_count(s);
  if (run < 0 || run >= n)
    throw Error("run " + std::to_string(run) + " is out of range [0, " + std::to_string(n - 1) + "]");
  SweepRunPlan p;
  p.run = run;
  p.cell = run / s.seeds;
  p.seed_index = run % s.seeds;
  p.cell_values = sweep_cell_values(s, p.cell);
  sweep_cell_setup(s, p.cell, &p.cfg, &p.analysis);
  p.cfg.train.seed += (uint64_t)p.seed_index;
  p.seed = p.cfg.train.seed;
  return p;
}

}  // namespace nope
