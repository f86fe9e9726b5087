#include "sweep/result.h"

#include <algorithm>
#include <cmath>

#include "analysis/seed_stats.h"
#include "error.h"
#include "sweep/plan.h"
#include "sweep/run.h"

namespace nope {

using json = nlohmann::json;

const char* const kSweepIntervalMethod =
    "95% Student-t interval of the mean over seeds (t_{0.975,K-1} * sd / sqrt(K))";

static bool is_index(const json& v) { return v.is_number_integer() || (v.is_number() && v.get<double>() == std::floor(v.get<double>())); }

std::vector<json> sweep_check_records(const SweepSpec& s, std::vector<json> records) {
  const int n = sweep_run_count(s);
  std::vector<char> seen(n, 0);
  for (size_t i = 0; i < records.size(); i++) {
    const json& r = records[i];
    const std::string name = "record " + std::to_string(i);
    if (!r.is_object() || !r.contains("run") || !is_index(r["run"]))
      throw Error(name + " has no run index");
    const double run = r["run"].get<double>();
    if (run < 0 || run >= n)
      throw Error(name + ": run " + json_show(r["run"]) + " is out of range [0, " + std::to_string(n - 1) + "] for this spec");
    const int k = (int)run;
    if (r.value("cell", json()) != k / s.seeds || r.value("seed_index", json()) != k % s.seeds)
      throw Error(name + ": run " + std::to_string(k) + " must have cell " + std::to_string(k / s.seeds) +
                  " and seed_index " + std::to_string(k % s.seeds) + " (a record of another spec?)");
    if (!r.contains("values") || !r["values"].is_object()) throw Error(name + " (run " + std::to_string(k) + ") has no values object");
    if (seen[k]) throw Error("run " + std::to_string(k) + " appears twice in the records");
    seen[k] = 1;
  }
  std::sort(records.begin(), records.end(),
            [](const json& a, const json& b) { return a["run"].get<double>() < b["run"].get<double>(); });
  return records;
}

json sweep_cells(const SweepSpec& s, const std::vector<json>& records) {
  const int C = sweep_cell_count(s), K = s.seeds;
  const std::vector<std::string> keys = sweep_value_keys(s);
  // by_run[r] points at run r's record, when present.
  std::vector<const json*> by_run((size_t)C * K, nullptr);
  for (const json& r : records) by_run[r["run"].get<size_t>()] = &r;
  json cells = json::array();
  for (int c = 0; c < C; c++) {
    json measures = json::object();
    for (const std::string& key : keys) {
      json per_seed = json::array();
      std::vector<double> xs;
      for (int k = 0; k < K; k++) {
        const json* r = by_run[(size_t)c * K + k];
        const json v = r && (*r)["values"].contains(key) ? (*r)["values"][key] : json();
        if (v.is_number() && std::isfinite(v.get<double>())) {
          xs.push_back(v.get<double>());
          per_seed.push_back(v);
        } else {
          per_seed.push_back(nullptr);
        }
      }
      const SeedStats st = seed_stats(xs);
      measures[key] = {{"mean", xs.empty() ? json() : json(st.mean)},
                       {"ci", xs.empty() ? json() : json(st.ci)},
                       {"n", st.k},
                       {"values", per_seed}};
    }
    cells.push_back({{"cell", c}, {"values", sweep_cell_values(s, c)}, {"measures", measures}});
  }
  return cells;
}

json sweep_result(const SweepSpec& s, const std::vector<json>& records, SweepShard shard, double seconds, int jobs) {
  return json{{"format", "nopelab-sweep-result"},
              {"version", 1},
              {"spec", sweep_spec_to_json(s)},
              {"shard", {{"index", shard.index}, {"count", shard.count}}},
              {"runs", records},
              {"cells", sweep_cells(s, records)},
              {"interval", kSweepIntervalMethod},
              {"timing", {{"seconds", seconds}, {"jobs", jobs}}}};
}

static std::string csv_field(const json& v) {
  if (v.is_null()) return "";
  if (!v.is_string()) return v.dump();
  const std::string t = v.get<std::string>();
  if (t.find_first_of(",\"\n") == std::string::npos) return t;
  std::string q = "\"";
  for (char ch : t) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

std::string sweep_csv(const json& result) {
  const json& spec = result.at("spec");
  std::vector<std::string> keys;
  const json& cells = result.at("cells");
  if (!cells.empty())
    for (auto it = cells[0]["measures"].begin(); it != cells[0]["measures"].end(); ++it) keys.push_back(it.key());
  std::string out = "cell";
  for (const json& a : spec.at("axes")) out += "," + csv_field(a.at("path"));
  for (const std::string& k : keys) out += "," + k + "_mean," + k + "_ci," + k + "_n";
  out += "\n";
  for (const json& c : cells) {
    out += std::to_string(c["cell"].get<int>());
    for (const json& a : spec.at("axes")) out += "," + csv_field(c["values"][a["path"].get<std::string>()]);
    for (const std::string& k : keys) {
      const json& m = c["measures"][k];
      out += "," + csv_field(m["mean"]) + "," + csv_field(m["ci"]) + "," + csv_field(m["n"]);
    }
    out += "\n";
  }
  return out;
}

}  // namespace nope
