// evaluate_prefix (core/eval_prefix.h): each target predicted from its prefix
// alone. A causal model whose encoding does not read the length scores the
// same as under teacher forcing; normalized (t/(T-1)) does not.
#include <catch2/catch.hpp>

#include <cmath>

#include "eval_prefix.h"
#include "small_models.h"
#include "trainer.h"

using namespace nope;

namespace {

Config copy_config(PosEncoding pe) {
  Config c;
  c.model = model_sizes(32, 2, 2, 64);
  c.model.pos_encoding = pe;
  c.task.name = TaskKind::copy;
  c.task.train_len = 5;
  c.task.test_len = 5;
  c.task.vocab_size = 6;
  c.task.vary_length = true;
  c.train.steps = 300;
  c.train.batch_size = 32;
  c.train.lr = 3e-3;
  c.train.warmup = 30;
  c.train.seed = 3;
  return c;
}

}  // namespace

TEST_CASE("prefix evaluation equals teacher forcing unless the encoding reads the length", "[eval][encoding]") {
  for (PosEncoding pe : {PosEncoding::none, PosEncoding::index, PosEncoding::t5_bias, PosEncoding::normalized}) {
    INFO(to_string(pe));
    Trainer tr = fresh_trainer(copy_config(pe));
    trainer_step(tr, tr.cfg.train.steps);
    const int examples = 128, n = 5;
    const EvalResult full = evaluate(tr.model, tr.cfg.task, 3, n, examples);
    const EvalResult pre = evaluate_prefix(tr.model, tr.cfg.task, 3, n, examples);
    CHECK(pre.examples == examples);
    CHECK(pre.seq_len == full.seq_len);
    // The model is past chance, so equal accuracies are not two zeros.
    CHECK(full.token_acc > 0.5);
    if (pe == PosEncoding::normalized) {
      // Each newest token gets code 1 instead of t/(T-1): a different model.
      CHECK(std::fabs(pre.loss - full.loss) > 1e-3);
    } else {
      // Same predictions up to float round-off in the products (a tie may
      // flip): within one token in 128 * 5.
      CHECK(std::fabs(pre.token_acc - full.token_acc) <= 1.0 / (examples * n));
      CHECK(pre.loss == Approx(full.loss).epsilon(1e-4));
    }
  }
}
