// nopelab eval: loss and exact-match accuracy of a checkpoint by length,
// including lengths beyond training (length generalisation).
#include <cstdio>

#include "cli_common.h"
#include "commands.h"
#include "error.h"
#include "results_json.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab eval --checkpoint CKPT [--config F] [--length N]... [--examples N]\n"
    "\n"
    "Evaluates on fresh examples (deterministic for the checkpoint's seed) and prints\n"
    "JSON {step, train_len, \"results\": [{length, seq_len, loss, token_acc, seq_acc, examples,\n"
    "trained}...]} (the shape of core/results_json.h).\n"
    "Without --length: every length from 1 to task.test_len. --examples defaults to 256.\n"
    "CKPT is JSON or .safetensors (--config F for a safetensors file without a NoPE Lab\n"
    "config; docs/interop.md).\n";

int cmd_eval(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "config", "length", "examples"}, {});
  if (!a.has("checkpoint")) throw Error("eval needs --checkpoint CKPT");
  Trainer tr;
  load_checkpoint(tr, a);
  const TaskConfig& task = tr.cfg.task;
  const int examples = a.get_int("examples", 256, 1, ResultLimits::max_eval_examples);
  std::vector<int> lengths;
  if (a.has("length")) {
    for (const std::string& s : a.values.at("length")) {
      Args one;
      one.values["length"] = {s};
      lengths.push_back(one.get_int("length", 0, 1, task.test_len));
    }
  } else {
    for (int n = 1; n <= task.test_len; n++) lengths.push_back(n);
  }
  nlohmann::json results = nlohmann::json::array();
  for (int n : lengths) {
    const EvalResult r = evaluate(tr.model, task, tr.cfg.train.seed, n, examples);
    results.push_back(eval_result_json(r, task.train_len));
  }
  std::puts(nlohmann::json{{"step", tr.step}, {"train_len", task.train_len}, {"results", results}}.dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
