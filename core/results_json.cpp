// Evaluation results and step metrics as JSON, one shape for every front end.
#include "results_json.h"

#include <string>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"

namespace nope {

nlohmann::json eval_result_json(const EvalResult& r, int train_len) {
  return {{"length", r.length},       {"seq_len", r.seq_len}, {"loss", r.loss},
          {"token_acc", r.token_acc}, {"seq_acc", r.seq_acc}, {"examples", r.examples},
          {"trained", r.length <= train_len}};
}

nlohmann::json step_metrics_json(const StepMetrics& m) {
  return {{"step", m.step},           {"loss", m.loss},           {"lr", m.lr},
          {"grad_norm", m.grad_norm}, {"token_acc", m.token_acc}, {"batch_hash", batch_hash_hex(m.batch_hash)}};
}

nlohmann::json trainer_info_json(const Trainer& tr) {
  return {{"params", tr.model.params.size()},
          {"vocab", tr.model.V},
          {"max_seq_len", tr.model.maxT},
          {"train_seq_len", task_seq_len(tr.cfg.task, tr.cfg.task.train_len)},
          {"step", tr.step},
          {"config", config_to_json(tr.cfg)}};
}

nlohmann::json config_info_json(const Config& c) {
  return {{"config", config_to_json(c)},
          {"bytes", config_step_bytes(c)},
          {"vocab", task_vocab(c.task)},
          {"train_seq_len", task_seq_len(c.task, c.task.train_len)},
          {"test_seq_len", task_seq_len(c.task, c.task.test_len)}};
}

}  // namespace nope
