// nopelab eval: loss and exact-match accuracy of a checkpoint by length,
// including lengths beyond training (length generalisation).
#include <cstdio>

#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "error.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab eval --checkpoint CKPT [--length N]... [--examples N]\n"
    "\n"
    "Evaluates on fresh examples (deterministic for the checkpoint's seed) and prints\n"
    "JSON {\"results\": [{length, seq_len, loss, token_acc, seq_acc, examples}...]}.\n"
    "Without --length: every length from 1 to task.test_len. --examples defaults to 256.\n";

int cmd_eval(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "length", "examples"}, {});
  if (!a.has("checkpoint")) throw Error("eval needs --checkpoint CKPT");
  Trainer tr;
  checkpoint_from_json(tr, read_json_file(a.get("checkpoint")));
  const TaskConfig& task = tr.cfg.task;
  const int examples = a.get_int("examples", 256, 1, 100000);
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
    results.push_back({{"length", r.length}, {"seq_len", r.seq_len}, {"loss", r.loss}, {"token_acc", r.token_acc},
                       {"seq_acc", r.seq_acc}, {"examples", r.examples}, {"trained", n <= task.train_len}});
  }
  std::puts(nlohmann::json{{"step", tr.step}, {"train_len", task.train_len}, {"results", results}}.dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
