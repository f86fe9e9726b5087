// Runs a list of sweep runs on N threads, each run with its own Trainer
// (inside sweep_run), pulling run indices from one atomic counter, the
// runs with the largest estimated cost first.
#pragma once
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/spec.h"

namespace nope {

// Returns the records in the order of `runs`. on_done (may be empty) is
// called once per finished record, serialised by a mutex, as runs complete:
// the CLI appends it to the sidecar there. The first error stops the other
// workers after their current run and is rethrown. jobs = 1 runs on the
// calling thread only (the wasm build has no threads).
std::vector<nlohmann::json> sweep_run_parallel(const SweepSpec& s, const std::vector<int>& runs, int jobs,
                                               const std::function<void(const nlohmann::json&)>& on_done);

}  // namespace nope
