// Evaluation as generation computes it. evaluate() (trainer.h) runs each
// example once over all of its T tokens (teacher forcing); a causal model's
// prediction at position p then depends on tokens 0..p only, except through
// an encoding that reads T itself (normalized: t/(T-1)). evaluate_prefix
// predicts each target position p from a forward over tokens[0..p] alone,
// as a model generating one token at a time without a cache must: the
// correct earlier tokens are fed back, but nothing of the future, not even
// the final length. For every encoding that does not read T the two agree
// (up to float round-off in the products).
#pragma once
#include <cstdint>

#include "config.h"
#include "model.h"
#include "trainer.h"

namespace nope {

// The examples of evaluate(m, task, seed, n, examples), scored by prefix.
EvalResult evaluate_prefix(Model& m, const TaskConfig& task, uint64_t seed, int n, int examples);

}  // namespace nope
