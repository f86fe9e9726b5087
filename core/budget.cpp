// Sequence-length and memory limits of a config, from the task's sequence
// lengths and the model's dry-run sizing (see budget.h).
#include "budget.h"

#include <cmath>
#include <sstream>

#include "error.h"
#include "model.h"
#include "tasks.h"

namespace nope {

double config_step_bytes(const Config& c) {
  const int T = task_seq_len(c.task, c.task.test_len);
  const ModelSize s = model_size(c.model, task_vocab(c.task), T, c.train.batch_size, T);
  // params, grads, AdamW m and v; activations and their gradients.
  return double(sizeof(float)) * (4.0 * double(s.params) + 2.0 * double(s.activations));
}

void config_check_budget(const Config& c) {
  config_validate(c);
  const TaskConfig& t = c.task;
  const int T = task_seq_len(t, t.test_len);
  if (T > Limits::max_seq)
    throw Error("task.test_len = " + std::to_string(t.test_len) + " gives sequences of " + std::to_string(T) +
                " tokens for task " + to_string(t.name) + ", above the limit of " + std::to_string(Limits::max_seq));
  const double bytes = config_step_bytes(c);
  if (bytes > Limits::max_bytes) {
    std::ostringstream s;
    s << "this configuration needs about " << (long)std::ceil(bytes / (1 << 20))
      << " MiB (parameters, gradients, AdamW state and one training step's activations at train.batch_size = "
      << c.train.batch_size << " and " << T << " tokens), above the limit of " << (long)(Limits::max_bytes / (1 << 20))
      << " MiB; reduce train.batch_size, task.test_len, model.d_model, model.d_ff or model.n_layers";
    throw Error(s.str());
  }
}


}  // namespace nope
