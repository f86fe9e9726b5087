// The one JSON shape of evaluation results, training-step metrics and session
// summaries, used by the eval, train and analyze commands and the wasm
// bindings alike.
// docs/cli.md and docs/worker-protocol.md document the shapes.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include "trainer.h"

namespace nope {

// {length, seq_len, loss, token_acc, seq_acc, examples, trained}; trained is
// length <= train_len (inside the training distribution).
nlohmann::json eval_result_json(const EvalResult& r, int train_len);
// {step, loss, lr, grad_norm, token_acc, batch_hash} (batch_hash: 16 hex digits).
nlohmann::json step_metrics_json(const StepMetrics& m);
// A session's model: {params, vocab, max_seq_len, train_seq_len, step, config}.
nlohmann::json trainer_info_json(const Trainer& tr);
// A checked config and its size: {config, bytes, vocab, train_seq_len, test_seq_len}.
nlohmann::json config_info_json(const Config& c);

}  // namespace nope
