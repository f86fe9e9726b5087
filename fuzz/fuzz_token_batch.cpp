// libFuzzer target for the `nopelab grad` token batch: any JSON must either
// give a batch that a small model's forward and backward accept, or a
// nope::Error; never a crash, leak, sanitizer report or other exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"
#include "token_batch.h"
#include "trainer.h"

using json = nlohmann::json;

static nope::Trainer& model() {
  static nope::Trainer tr = [] {
    nope::Trainer t;
    nope::trainer_init(t, nope::config_load({{"model", {{"d_model", 8}, {"n_heads", 2}, {"n_layers", 1}, {"d_ff", 8}}},
                                             {"task", {{"train_len", 3}, {"test_len", 6}, {"vocab_size", 4}}}}));
    return t;
  }();
  return tr;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  nope::Model& m = model().model;
  nope::TokenBatch b;
  try {
    b = nope::token_batch_from_json(j, m.V, m.maxT);
  } catch (const nope::Error&) {
    return 0;
  }
  if (b.B < 1 || b.T < 1 || b.T > m.maxT || b.tokens.size() != (size_t)b.B * b.T || b.targets.size() != b.tokens.size())
    std::abort();
  // Every batch the parser accepts must go through the model untouched.
  nope::model_zero_grad(m);
  nope::model_forward(m, b.tokens.data(), b.targets.data(), b.B, b.T);
  nope::model_backward(m);
  return 0;
}
