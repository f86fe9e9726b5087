// The nopelab subcommands; each takes the arguments after its name and
// returns the process exit code.
#pragma once

namespace nope::cli {

int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_grad(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_analyze(int argc, char** argv);
int cmd_schema(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_export(int argc, char** argv);

}  // namespace nope::cli
