// Run enumeration: runs are numbered 0..N-1 row-major over (axis0, axis1,
// axis2, seed), seed innermost, so cell = run / seeds and seed_index =
// run % seeds. A run's plan is everything needed to execute it alone.
#pragma once
#include <cstdint>

#include <nlohmann/json.hpp>

#include "config.h"
#include "sweep/spec.h"

namespace nope {

struct SweepRunPlan {
  int run = 0, cell = 0, seed_index = 0;
  uint64_t seed = 0;            // the run's train.seed: the cell's + seed_index
  nlohmann::json cell_values;   // {axis path: value}
  Config cfg;                   // the cell's config with train.seed = seed
  SweepAnalysis analysis;       // with analysis.layer / analysis.site axes applied
};

// {axis path: value} of a cell.
nlohmann::json sweep_cell_values(const SweepSpec& s, int cell);
// The cell's config (train.seed not yet offset) and analysis settings.
// Throws nope::Error naming the cell when its combination of values is
// invalid (e.g. d_model not divisible by n_heads, layer >= n_layers).
void sweep_cell_setup(const SweepSpec& s, int cell, Config* cfg, SweepAnalysis* analysis);
// Throws nope::Error when run is outside 0..N-1.
SweepRunPlan sweep_plan_run(const SweepSpec& s, int run);

}  // namespace nope
