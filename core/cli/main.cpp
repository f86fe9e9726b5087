// nopelab: the native front end of the NoPE Lab core. Thin: parses
// arguments, calls core/, prints JSON. Errors are one line on stderr and a
// non-zero exit code.
#include <cstdio>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "error.h"

static const char* kUsage =
    "nopelab " NOPE_VERSION " - where does a causal transformer get position without positional encoding?\n"
    "\n"
    "usage: nopelab <command> [options]   (nopelab <command> --help for each)\n"
    "\n"
    "commands:\n"
    "  train    train a model on a synthetic task (--config F, --set path=value)\n"
    "  eval     accuracy and loss of a checkpoint, by sequence length\n"
    "  analyze  positional analysis: similarity, adjacency, variance, attention, probes\n"
    "  sweep    a config over axes of values x seeds, in parallel, shardable (and sweep merge)\n"
    "  grad     loss, logits and every gradient for a given batch (cross-framework checks)\n"
    "  export   a checkpoint as safetensors (Hugging Face GPT-2 names) or back to JSON\n"
    "  bench    training speed on fixed models (ms/step, tokens/s)\n"
    "  schema   the config schema as JSON (fields, types, defaults, ranges, docs)\n";

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::fputs(kUsage, stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::puts(NOPE_VERSION);
    return 0;
  }
  const std::string cmd = argv[1];
  using namespace nope::cli;
  int (*fn)(int, char**) = nullptr;
  if (cmd == "train") fn = cmd_train;
  else if (cmd == "eval") fn = cmd_eval;
  else if (cmd == "analyze") fn = cmd_analyze;
  else if (cmd == "grad") fn = cmd_grad;
  else if (cmd == "bench") fn = cmd_bench;
  else if (cmd == "schema") fn = cmd_schema;
  else if (cmd == "sweep") fn = cmd_sweep;
  else if (cmd == "export") fn = cmd_export;
  if (!fn) {
    std::fprintf(stderr, "nopelab: error: unknown command '%s' (see nopelab --help)\n", cmd.c_str());
    return 2;
  }
  try {
    return fn(argc - 2, argv + 2);
  } catch (const nope::Error& e) {
    std::fprintf(stderr, "nopelab: error: %s\n", e.what());
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "nopelab: error: %s\n", e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "nopelab: error: out of memory\n");
  } catch (const std::exception& e) {  // a bug rather than bad input, but still one line
    std::fprintf(stderr, "nopelab: error: %s\n", e.what());
  }
  return 1;
}
