// One sweep run, alone: build -> (train when train.steps > 0) -> analyse at
// the spec's layer/site -> evaluate, returned as the run record of
// docs/sweep.md. Runs share nothing, so any subset may run in any order, on
// any thread, process, machine or browser worker, with the same record.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/spec.h"

namespace nope {

// The keys a record's "values" holds for the spec's measures (the measures
// plus adjacency_chance / probe_mad_baseline where asked), sorted.
std::vector<std::string> sweep_value_keys(const SweepSpec& s);

// The run record {run, cell, seed_index, seed, cell_values, values, seconds}.
// A training divergence is a result, not a failure: the record then carries
// "error" and every value is null. Other errors throw nope::Error.
nlohmann::json sweep_run(const SweepSpec& s, int run);

}  // namespace nope
