// Checkpoint JSON: format name and version, the full config, the training
// step, every parameter by its nanoGPT name with shape and row-major data,
// and optionally the AdamW state. docs/checkpoint.md is the format's spec.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "trainer.h"

namespace nope {

constexpr const char* kCheckpointFormat = "nopelab-checkpoint";
constexpr int kCheckpointVersion = 1;

nlohmann::json checkpoint_to_json(const Trainer& tr, bool with_optimizer);
// Rebuilds `tr` from a checkpoint. Validates everything before touching
// `tr`, so a malformed file leaves the caller's trainer as it was. Throws
// nope::Error naming the tensor or field at fault.
void checkpoint_from_json(Trainer& tr, const nlohmann::json& j);

}  // namespace nope
