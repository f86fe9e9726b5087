// Splitting a sweep across processes or machines and putting it back
// together: run r belongs to shard r % N (deterministic, balanced even when
// cells differ in cost, since a cell's seeds land on different shards), and
// merge refuses anything that is not exactly one sweep's runs, once each.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/result.h"

namespace nope {

// "I/N" with 0 <= I < N. Throws nope::Error otherwise.
SweepShard sweep_shard_parse(const std::string& text);
bool sweep_shard_owns(SweepShard shard, int run);
// The runs of one shard, ascending.
std::vector<int> sweep_shard_runs(int run_count, SweepShard shard);

// Merges partial results (name, parsed JSON; the name is for messages) into
// one full result. Refuses parts of different specs, a run in two parts
// and runs no part holds.
nlohmann::json sweep_merge(const std::vector<std::pair<std::string, nlohmann::json>>& parts);

}  // namespace nope
