// The limits a config meets only once the task gives it sequences and the
// model gives it buffers: the longest sequence and the memory of one training
// step. Sized by the model's own layout code (model_size), so the budget
// cannot drift from what model_build and a forward pass allocate.
#pragma once
#include "config.h"

namespace nope {

// Bytes (float32) of parameters, gradients, AdamW m and v, and one training
// step's activations and their gradients at task.test_len; bounded by
// Limits::max_bytes.
double config_step_bytes(const Config& c);
// config_validate, then the sequence and memory limits; throws nope::Error.
void config_check_budget(const Config& c);

}  // namespace nope
