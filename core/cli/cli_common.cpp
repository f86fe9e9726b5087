#include "cli_common.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api.h"
#include "error.h"
#include "json_check.h"
#include "threads.h"

namespace nope::cli {

bool Args::flag(const std::string& k) const { return std::find(flags.begin(), flags.end(), k) != flags.end(); }

std::string Args::get(const std::string& k, const std::string& def) const {
  auto it = values.find(k);
  return it == values.end() ? def : it->second.back();
}

int Args::get_int(const std::string& k, int def, int lo, int hi) const {
  if (!has(k)) return def;
  const std::string s = get(k);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') throw Error("--" + k + " expects an integer, got '" + s + "'");
  return json_int(json_number(v), "--" + k, lo, hi);
}

std::vector<std::string> Args::all(const std::string& k) const {
  auto it = values.find(k);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

nlohmann::json Args::number(const std::string& k) const { return has(k) ? value_of(get(k)) : nlohmann::json(); }

nlohmann::json Args::value_of(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') return text;
  return json_number(v);
}

Args parse_args(int argc, char** argv, const std::vector<std::string>& value_opts,
                const std::vector<std::string>& flag_opts) {
  Args a;
  for (int i = 0; i < argc; i++) {
    std::string s = argv[i];
    if (s.rfind("--", 0) != 0) throw Error("unexpected argument '" + s + "'");
    std::string name = s.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos && name != "set";
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (std::find(flag_opts.begin(), flag_opts.end(), name) != flag_opts.end()) {
      a.flags.push_back(name);
    } else if (name == "threads" ||
               std::find(value_opts.begin(), value_opts.end(), name) != value_opts.end()) {
      if (!inline_value) {
        if (i + 1 >= argc) throw Error("--" + name + " needs a value");
        value = argv[++i];
      }
      a.values[name].push_back(value);
    } else {
      throw Error("unknown option --" + name + " (see --help)");
    }
  }
  apply_threads(a);
  return a;
}

const char* const kThreadsHelp =
    "  --threads N        threads for one run (default: all cores, or NOPELAB_THREADS);\n"
    "                     results are bit-identical for any N\n";

int apply_threads(const Args& a) {
  constexpr int kMax = 64;
  int n = 0;  // all cores
  if (a.has("threads")) {
    n = a.get_int("threads", 0, 1, kMax);
  } else if (const char* env = std::getenv("NOPELAB_THREADS"); env && *env) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (*end != '\0' || v < 1 || v > kMax)
      throw Error("NOPELAB_THREADS = '" + std::string(env) + "' is not an integer in [1, " + std::to_string(kMax) + "]");
    n = (int)v;
  }
  threads_set(n);
  return threads_count();
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw Error("cannot write " + path + ": " + std::strerror(errno));
  f << text;
  if (!f) throw Error("failed writing " + path);
}

nlohmann::json read_json_file(const std::string& path) {
  return api::parse_json(read_file(path), path.c_str());
}

Config load_config(const Args& a) {
  return api::load_config(a.has("config") ? read_json_file(a.get("config")) : nlohmann::json::object(), a.all("set"));
}

bool wants_help(int argc, char** argv) {
  for (int i = 0; i < argc; i++)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) return true;
  return false;
}

}  // namespace nope::cli
