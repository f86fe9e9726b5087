// nopelab train: step-by-step training with a progress line, metrics JSONL,
// a checkpoint, and a final evaluation at the train and test lengths.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "error.h"
#include "trainer.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab train [--config F] [--set path=value]... [--steps N] [--out CKPT]\n"
    "                     [--metrics FILE.jsonl] [--eval-examples N] [--quiet]\n"
    "\n"
    "Trains the model in the config (defaults where absent; see docs/config.md) and\n"
    "prints a JSON summary with accuracy at task.train_len and task.test_len.\n"
    "  --steps N          override train.steps\n"
    "  --out CKPT         write a checkpoint (docs/checkpoint.md) at the end\n"
    "  --metrics F        write one JSON line per logged step (every 1% of the run):\n"
    "                     {step, loss, token_acc, lr, grad_norm, elapsed_s}\n"
    "  --eval-examples N  examples per evaluated length (default 256)\n"
    "  --quiet            no progress line\n";

static void progress_line(bool tty, const StepMetrics& m, int total, double elapsed) {
  const double rate = m.step / std::max(elapsed, 1e-9);
  const double eta = (total - m.step) / std::max(rate, 1e-9);
  std::fprintf(stderr, "%sstep %d/%d  loss %.4f  acc %.3f  %.1f steps/s  ETA %.0fs%s", tty ? "\r" : "", m.step,
               total, m.loss, m.token_acc, rate, eta, tty ? "   " : "\n");
  std::fflush(stderr);
}

int cmd_train(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"config", "set", "steps", "out", "metrics", "eval-examples"}, {"quiet"});
  Config cfg = load_config(a);
  cfg.train.steps = a.get_int("steps", cfg.train.steps, 0, Limits::max_steps);
  if (cfg.train.warmup > cfg.train.steps) cfg.train.warmup = cfg.train.steps;
  const int eval_examples = a.get_int("eval-examples", 256, 1, 100000);

  Trainer tr;
  trainer_init(tr, cfg);
  std::ofstream metrics;
  if (a.has("metrics")) {
    metrics.open(a.get("metrics"));
    if (!metrics) throw Error("cannot write " + a.get("metrics"));
  }
  const bool tty = isatty(2) && !a.flag("quiet");
  const int total = cfg.train.steps;
  const int log_every = std::max(1, total / 100), print_every = tty ? std::max(1, total / 200) : std::max(1, total / 10);
  const auto t0 = std::chrono::steady_clock::now();
  StepMetrics m;
  double first_loss = 0;
  std::string first_hash;
  while (tr.step < total) {
    m = trainer_step(tr, 1);
    if (m.step == 1) {
      first_loss = m.loss;
      first_hash = batch_hash_hex(m.batch_hash);
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (metrics && (m.step % log_every == 0 || m.step == total))
      metrics << nlohmann::json{{"step", m.step}, {"loss", m.loss}, {"token_acc", m.token_acc}, {"lr", m.lr},
                                {"grad_norm", m.grad_norm}, {"elapsed_s", elapsed}}
                     .dump()
              << "\n";
    if (!a.flag("quiet") && (m.step % print_every == 0 || m.step == total)) progress_line(tty, m, total, elapsed);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (tty) std::fputc('\n', stderr);

  nlohmann::json evals = nlohmann::json::array();
  for (int len : {cfg.task.train_len, cfg.task.test_len}) {
    const EvalResult r = evaluate(tr.model, cfg.task, cfg.train.seed, len, eval_examples);
    evals.push_back({{"length", r.length}, {"seq_len", r.seq_len}, {"loss", r.loss}, {"token_acc", r.token_acc},
                     {"seq_acc", r.seq_acc}, {"examples", r.examples}});
    if (cfg.task.test_len == cfg.task.train_len) break;
  }
  if (a.has("out")) write_file(a.get("out"), checkpoint_to_json(tr, true).dump());
  nlohmann::json summary{{"steps", tr.step},       {"final_loss", m.loss},
                         {"first_loss", first_loss}, {"first_batch_hash", first_hash},
                         {"seconds", seconds},     {"steps_per_s", tr.step / std::max(seconds, 1e-9)},
                         {"params", tr.model.params.size()}, {"eval", evals},
                         {"config", config_to_json(cfg)}};
  std::puts(summary.dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
