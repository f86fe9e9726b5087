// nopelab export: a checkpoint in the other format. JSON -> safetensors (the
// Hugging Face GPT-2 layout, docs/interop.md) or safetensors -> JSON, chosen
// by the extension of --out. Weights, config and step; the optimizer state
// exists only in JSON, so it is not carried over.
#include <cstdio>

#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "error.h"
#include "safetensors.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab export --checkpoint CKPT [--config F] --out FILE\n"
    "\n"
    "Writes the weights, config and step of CKPT (JSON or .safetensors) to FILE: a\n"
    "safetensors file unless FILE ends in .json, then a JSON checkpoint without optimizer\n"
    "state. --config F gives the config of a safetensors file that has none in its\n"
    "metadata. Tensor names and layout: docs/interop.md.\n";

int cmd_export(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"checkpoint", "config", "out"}, {});
  if (!a.has("checkpoint") || !a.has("out")) throw Error("export needs --checkpoint CKPT and --out FILE");
  Trainer tr;
  load_checkpoint(tr, a);
  const std::string out = a.get("out");
  const bool json = out.size() >= 5 && out.compare(out.size() - 5, 5, ".json") == 0;
  write_file(out, json ? checkpoint_to_json(tr, false).dump() : checkpoint_to_safetensors(tr));
  return 0;
}

}  // namespace nope::cli
