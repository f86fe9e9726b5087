// Per-cell statistics over seeds and the sweep result document
// (docs/sweep.md): mean and 95% Student-t interval of every value, with each
// seed's value kept, from whichever run records are at hand.
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/spec.h"

namespace nope {

extern const char* const kSweepIntervalMethod;

struct SweepShard {
  int index = 0, count = 1;
};

// Checks records against the spec (objects with an in-range run whose cell
// and seed_index agree, a values object, no run twice) and returns them
// sorted by run. Throws nope::Error naming the offending record.
std::vector<nlohmann::json> sweep_check_records(const SweepSpec& s, std::vector<nlohmann::json> records);

// One entry per cell: {cell, values: {path: value}, measures: {key: {mean,
// ci, n, values}}}. "values" has one entry per seed index, null where the run
// is missing or its value undefined; mean/ci/n use the finite ones (mean and
// ci are null when n = 0; ci is 0 when n = 1).
nlohmann::json sweep_cells(const SweepSpec& s, const std::vector<nlohmann::json>& sorted_records);

// The whole result document; records must come from sweep_check_records.
nlohmann::json sweep_result(const SweepSpec& s, const std::vector<nlohmann::json>& sorted_records,
                            SweepShard shard, double seconds, int jobs);

// The cells as CSV: cell, one column per axis, then <key>_mean, <key>_ci,
// <key>_n for every value key.
std::string sweep_csv(const nlohmann::json& result);

}  // namespace nope
