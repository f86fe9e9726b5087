#include "budget.h"
#include "sweep/spec.h"

#include <cmath>
#include <set>

#include "error.h"
#include "json_check.h"
#include "sweep/measures.h"
#include "sweep/plan.h"

namespace nope {

using json = nlohmann::json;

const std::vector<std::string>& sweep_measure_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const SweepMeasure& m : sweep_measure_rows()) out.push_back(m.name);
    return out;
  }();
  return names;
}

static void reject_unknown(const json& obj, const std::string& prefix, std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok |= it.key() == k;
    if (!ok) throw Error(prefix + it.key() + ": unknown field");
  }
}

static Site parse_site(const json& v, const std::string& name) {
  Site s;
  if (!v.is_string() || !site_from_string(v.get<std::string>(), &s))
    throw Error(name + " = " + json_show(v) + " is not one of " + site_names_joined());
  return s;
}

// True when the normalised config JSON holds a field at this dotted path
// (the base is a full config, so every settable field is present): a leaf,
// not a whole section.
static bool config_has_path(const json& cfg, const std::string& path) {
  const json* node = config_at_path(cfg, path);
  return node && !node->is_object();
}

static bool valid_utf8(const std::string& s) {
  try {
    (void)json(s).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

static SweepAxis parse_axis(const json& a, size_t i, const json& base) {
  const std::string name = "axes[" + std::to_string(i) + "]";
  if (!a.is_object()) throw Error(name + " must be an object {\"path\", \"values\"}, got " + json_show(a));
  reject_unknown(a, name + ".", {"path", "values"});
  if (!a.contains("path") || !a["path"].is_string() || a["path"].get<std::string>().empty())
    throw Error(name + ".path must be a config path such as \"model.init.std\"");
  SweepAxis axis;
  axis.path = a["path"].get<std::string>();
  const std::string where = name + " (" + axis.path + ")";
  if (!a.contains("values") || !a["values"].is_array())
    throw Error(where + ".values must be an array of values");
  if (a["values"].empty()) throw Error(where + " is empty: give at least one value");
  if (a["values"].size() > 10000) throw Error(where + " has more than 10000 values");
  for (const json& v : a["values"]) {
    if (!(v.is_number() || v.is_string() || v.is_boolean()))
      throw Error(where + " has " + json_show(v) + ": values must be numbers, strings or booleans");
    // A JSON file's strings are UTF-8 (the parser checks), but an --axis
    // argument can hold any bytes, and dump() would throw a json::type_error
    // when the value is applied to the config or named in an error.
    if (v.is_string() && !valid_utf8(v.get_ref<const std::string&>()))
      throw Error(where + " has " + json_show(v) + ": a string value must be valid UTF-8");
    for (const json& w : axis.values)
      if (w == v) throw Error(where + " lists " + json_show(v) + " twice");
    axis.values.push_back(v);
  }

  if (axis.path == "analysis.layer") {
    for (const json& v : axis.values) json_int(v, where + " value", 0, Limits::max_layers - 1);
  } else if (axis.path == "analysis.site") {
    for (const json& v : axis.values) parse_site(v, where + " value");
  } else if (axis.path.rfind("analysis.", 0) == 0) {
    throw Error(where + ": of the analysis settings only analysis.layer and analysis.site can be swept");
  } else {
    if (!config_has_path(base, axis.path))
      throw Error(where + ": unknown path; an axis is a config field (model.*, task.*, train.*; see docs/config.md) "
                  "or analysis.layer / analysis.site");
    // Each value goes through the config's own parser, so the refusal (type,
    // range, enum names) is the one `--set` would give.
    for (const json& v : axis.values) {
      json cfg = base;
      try {
        config_set(cfg, axis.path + "=" + v.dump());
        config_load(cfg);
      } catch (const Error& e) {
        throw Error(where + " value " + json_show(v) + ": " + e.what());
      }
    }
  }
  return axis;
}

static SweepAnalysis parse_analysis(const json& j) {
  SweepAnalysis a;
  if (j.is_null()) return a;
  if (!j.is_object()) throw Error("analysis must be an object {layer, site, batch, length, input}");
  reject_unknown(j, "analysis.", {"layer", "site", "batch", "length", "input"});
  a.layer = json_int_field(j, "layer", "analysis.layer", 0, 0, Limits::max_layers - 1);
  if (j.contains("site")) a.site = parse_site(j["site"], "analysis.site");
  a.batch = json_int_field(j, "batch", "analysis.batch", 64, 1, 1024);
  a.length = json_int_field(j, "length", "analysis.length", 0, 0, Limits::max_seq);
  if (j.contains("input")) {
    if (j["input"] == "random") a.random_input = true;
    else if (j["input"] == "task") a.random_input = false;
    else throw Error("analysis.input = " + json_show(j["input"]) + " is not one of random|task");
  }
  return a;
}

static bool trains_anywhere(const json& base, const std::vector<SweepAxis>& axes) {
  if (base["train"]["steps"].get<int>() > 0) return true;
  for (const SweepAxis& a : axes)
    if (a.path == "train.steps")
      for (const json& v : a.values)
        if (v.is_number() && v.get<double>() > 0) return true;
  return false;
}

SweepSpec sweep_spec_from_json(const json& in) {
  if (!in.is_object()) throw Error("a sweep spec must be a JSON object, got " + json_show(in));
  json j = in;
  if (j.contains("sweep")) {
    // A preset: its "config" is the base, its "sweep" the rest.
    if (!j["sweep"].is_object()) throw Error("sweep (in a preset) must be an object {axes, seeds, measures, ...}");
    json spec = j["sweep"];
    if (spec.contains("base")) throw Error("sweep.base: a preset's sweep takes its base from the preset's config");
    spec["base"] = j.contains("config") ? j["config"] : json::object();
    j = spec;
  }
  reject_unknown(j, "", {"format", "version", "base", "axes", "seeds", "measures", "analysis", "eval", "max_runs"});
  if (j.contains("format") && j["format"] != "nopelab-sweep")
    throw Error("format = " + json_show(j["format"]) + ", expected \"nopelab-sweep\"");
  if (j.contains("version") && j["version"] != 1)
    throw Error("version = " + json_show(j["version"]) + " is not supported (this build reads version 1)");

  SweepSpec s;
  const json base = j.contains("base") ? config_of_preset(j["base"]) : json::object();
  try {
    s.base = config_to_json(config_load(base));
  } catch (const Error& e) {
    throw Error(std::string("base: ") + e.what());
  }

  if (!j.contains("axes") || !j["axes"].is_array() || j["axes"].empty())
    throw Error("axes must be an array of 1 to 3 axes {\"path\", \"values\"}");
  if (j["axes"].size() > (size_t)kSweepMaxAxes)
    throw Error("axes has " + std::to_string(j["axes"].size()) + " axes; at most 3 are allowed");
  for (size_t i = 0; i < j["axes"].size(); i++) {
    s.axes.push_back(parse_axis(j["axes"][i], i, s.base));
    for (size_t k = 0; k < i; k++)
      if (s.axes[k].path == s.axes[i].path)
        throw Error("axes[" + std::to_string(i) + "]: path " + s.axes[i].path + " is already axes[" + std::to_string(k) +
                    "]; list every value on one axis");
  }

  s.seeds = json_int_field(j, "seeds", "seeds", 1, 1, 1000);
  s.analysis = parse_analysis(j.contains("analysis") ? j["analysis"] : json());
  if (j.contains("eval")) {
    if (!j["eval"].is_object()) throw Error("eval must be an object {examples}");
    reject_unknown(j["eval"], "eval.", {"examples"});
    s.eval_examples = json_int_field(j["eval"], "examples", "eval.examples", 256, 1, 4096);
  }
  s.max_runs = json_int_field(j, "max_runs", "max_runs", 5000, 1, kSweepMaxRunsCap);

  // Measures, kept in the canonical order so equal sets give equal specs.
  std::set<std::string> asked;
  if (j.contains("measures")) {
    if (!j["measures"].is_array() || j["measures"].empty())
      throw Error("measures must be a non-empty array of measure names");
    for (const json& m : j["measures"]) {
      bool known = false;
      for (const std::string& n : sweep_measure_names()) known |= m == n;
      if (!known) {
        std::string all;
        for (const std::string& n : sweep_measure_names()) all += (all.empty() ? "" : "|") + n;
        throw Error("measures has " + json_show(m) + ", expected one of " + all);
      }
      if (!asked.insert(m.get<std::string>()).second) throw Error("measures lists " + json_show(m) + " twice");
    }
  } else {
    const bool trains = trains_anywhere(s.base, s.axes);
    for (const SweepMeasure& m : sweep_measure_rows())
      if (m.by_default && (trains || !m.needs_training)) asked.insert(m.name);
  }
  for (const std::string& n : sweep_measure_names())
    if (asked.count(n)) s.measures.push_back(n);
  for (const std::string& m : s.measures)
    if (sweep_measure(m)->probe_features && s.analysis.batch < 3)
      throw Error("analysis.batch = " + std::to_string(s.analysis.batch) + " is too small for " + m +
                  ": probes need at least 3 sequences");

  // The budget before the per-cell checks (their cost grows with the cells).
  long long cells = 1;
  for (const SweepAxis& a : s.axes) cells *= (long long)a.values.size();
  const long long runs = cells * s.seeds;
  if (runs > s.max_runs)
    throw Error("the sweep has " + std::to_string(runs) + " runs (" + std::to_string(cells) + " cells x " +
                std::to_string(s.seeds) + " seeds), more than max_runs = " + std::to_string(s.max_runs));
  Config cfg;
  SweepAnalysis an;
  for (int c = 0; c < (int)cells; c++) sweep_cell_setup(s, c, &cfg, &an);
  return s;
}

json sweep_spec_to_json(const SweepSpec& s) {
  json axes = json::array();
  for (const SweepAxis& a : s.axes) axes.push_back({{"path", a.path}, {"values", a.values}});
  return json{{"format", "nopelab-sweep"},
              {"version", 1},
              {"base", s.base},
              {"axes", axes},
              {"seeds", s.seeds},
              {"measures", s.measures},
              {"analysis",
               {{"layer", s.analysis.layer},
                {"site", to_string(s.analysis.site)},
                {"batch", s.analysis.batch},
                {"length", s.analysis.length},
                {"input", s.analysis.random_input ? "random" : "task"}}},
              {"eval", {{"examples", s.eval_examples}}},
              {"max_runs", s.max_runs}};
}

int sweep_cell_count(const SweepSpec& s) {
  int cells = 1;
  for (const SweepAxis& a : s.axes) cells *= (int)a.values.size();
  return cells;
}

int sweep_run_count(const SweepSpec& s) { return sweep_cell_count(s) * s.seeds; }

}  // namespace nope
