// Shared pieces of the nopelab commands: argument parsing, config loading
// with --set overrides, file I/O, and the one-line error convention.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.h"

namespace nope::cli {

// Parsed `--name value` options (repeatable ones keep every value) and
// `--flag` switches. Unknown options are an error naming them.
struct Args {
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> flags;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  bool flag(const std::string& k) const;
  std::string get(const std::string& k, const std::string& def = "") const;
  int get_int(const std::string& k, int def, int lo, int hi) const;
  // Every value of a repeatable option, in order.
  std::vector<std::string> all(const std::string& k) const;
  // The option as a JSON value for the call layer (core/api.h), which
  // checks it: a number when the text is one, else the text; null when absent.
  nlohmann::json number(const std::string& k) const;
  static nlohmann::json value_of(const std::string& text);
};

// `value_opts` take an argument, `flag_opts` do not; both without "--".
// Every command also takes `--threads N` (see apply_threads), applied here.
Args parse_args(int argc, char** argv, const std::vector<std::string>& value_opts,
                const std::vector<std::string>& flag_opts);

// Sizes the core's thread pool from --threads N, else the NOPELAB_THREADS
// environment variable, else all cores; returns the count. Results do not
// depend on it (core/threads.h), only the speed.
int apply_threads(const Args& a);
// One help line for the option, for the commands' --help texts.
extern const char* const kThreadsHelp;

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
nlohmann::json read_json_file(const std::string& path);

// Config from --config F (or defaults when absent) with every --set applied.
Config load_config(const Args& a);

bool wants_help(int argc, char** argv);

}  // namespace nope::cli
