// nopelab schema: the config schema as JSON (core/schema.h), the same the
// wasm module's schema() returns.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "schema.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab schema\n"
    "\n"
    "Prints the config schema as JSON: {version, fields: [{path, type, default, min, max,\n"
    "min_open, values, doc}...], sites, probe_features, limits}. docs/config.md explains\n"
    "each field at length.\n";

int cmd_schema(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), 0;
  parse_args(argc, argv, {}, {});
  std::puts(config_schema_json().dump(2).c_str());
  return 0;
}

}  // namespace nope::cli
