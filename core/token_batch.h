// The token batch of `nopelab grad` ({"tokens": [[ids...]...], "targets":
// [[ids or -1...]...]}): read and checked against a model's vocabulary and
// maximum length, so a batch that passes can go straight into model_forward.
#pragma once
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace nope {

struct TokenBatch {
  int B = 0, T = 0;
  std::vector<int> tokens;   // (B, T) in [0, V)
  std::vector<int> targets;  // (B, T) in [-1, V)
};

// Throws nope::Error naming the key and the bad value or shape.
TokenBatch token_batch_from_json(const nlohmann::json& j, int V, int maxT);

}  // namespace nope
