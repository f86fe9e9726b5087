// nopelab eval: loss and exact-match accuracy of a checkpoint by length,
// including lengths beyond training (length generalisation).
#include <cstdio>

#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "api.h"
#include "error.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab eval --checkpoint CKPT [--length N]... [--examples N]\n"
    "\n"
    "Evaluates on fresh examples (deterministic for the checkpoint's seed) and prints\n"
    "JSON {step, train_len, \"results\": [{length, seq_len, loss, token_acc, seq_acc, examples,\n"
    "trained}...]} (the shape of core/results_json.h).\n"
    "Without --length: every length from 1 to task.test_len. --examples defaults to 256.\n";

int cmd_eval(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "length", "examples"}, {});
  if (!a.has("checkpoint")) throw Error("eval needs --checkpoint CKPT");
  Trainer tr;
  checkpoint_from_json(tr, read_json_file(a.get("checkpoint")));
  std::vector<nlohmann::json> lengths;
  for (const std::string& s : a.all("length")) lengths.push_back(Args::value_of(s));
  const nlohmann::json examples = a.has("examples") ? a.number("examples") : nlohmann::json(256);
  std::puts(api::evaluate_lengths(tr, lengths, examples, "--length", "--examples").dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
