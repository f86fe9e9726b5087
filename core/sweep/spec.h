// The sweep spec (docs/sweep.md): a base config, 1..3 axes of values, K seeds,
// the measures and where to take them. Parsing validates everything before a
// single run starts and throws nope::Error naming the field, the value and,
// for config axes, the config's own rule that refuses it.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model.h"

namespace nope {

struct SweepAxis {
  std::string path;                    // a config path or analysis.layer / analysis.site
  std::vector<nlohmann::json> values;  // numbers, strings or booleans
};

struct SweepAnalysis {
  int layer = 0;
  Site site = Site::attn_out;
  int batch = 64;
  int length = 0;             // model T; 0 = the task's training length
  bool random_input = true;   // "random" | "task"
};

struct SweepSpec {
  nlohmann::json base;  // the full, validated base config (config_to_json form)
  std::vector<SweepAxis> axes;
  int seeds = 1;
  std::vector<std::string> measures;
  SweepAnalysis analysis;
  int eval_examples = 256;
  int max_runs = 5000;
};

constexpr int kSweepMaxAxes = 3;
constexpr int kSweepMaxRunsCap = 1000000;  // hard ceiling on max_runs itself

// The measure names of the contract, in the order records list them.
const std::vector<std::string>& sweep_measure_names();

// Accepts a spec ({"format": "nopelab-sweep", ...}) or a preset carrying a
// sweep ({"config": ..., "sweep": {...}}). Validates every field, every axis
// value against the base config and every cell's config.
SweepSpec sweep_spec_from_json(const nlohmann::json& j);
// The normalised spec: every default filled in, the base as a full config.
// Parts of one sweep (shards, a resumed sidecar) must have equal dumps.
nlohmann::json sweep_spec_to_json(const SweepSpec& s);

// Number of cells (product of the axis lengths) and runs (cells x seeds).
int sweep_cell_count(const SweepSpec& s);
int sweep_run_count(const SweepSpec& s);

}  // namespace nope
