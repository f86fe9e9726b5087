#include "sweep/shard.h"

#include <algorithm>
#include <cstdlib>

#include "error.h"

namespace nope {

using json = nlohmann::json;

SweepShard sweep_shard_parse(const std::string& text) {
  const size_t slash = text.find('/');
  const std::string what = "--shard expects I/N with 0 <= I < N (e.g. 0/4), got '" + text + "'";
  if (slash == std::string::npos) throw Error(what);
  const std::string a = text.substr(0, slash), b = text.substr(slash + 1);
  char *ea = nullptr, *eb = nullptr;
  const long i = std::strtol(a.c_str(), &ea, 10), n = std::strtol(b.c_str(), &eb, 10);
  if (a.empty() || b.empty() || *ea || *eb || n < 1 || n > 1000000 || i < 0 || i >= n) throw Error(what);
  return {(int)i, (int)n};
}

bool sweep_shard_owns(SweepShard shard, int run) { return run % shard.count == shard.index; }

std::vector<int> sweep_shard_runs(int run_count, SweepShard shard) {
  std::vector<int> runs;
  for (int r = shard.index; r < run_count; r += shard.count) runs.push_back(r);
  return runs;
}

// "1, 4, 7 and 12 more" for a message.
static std::string list_runs(const std::vector<int>& runs) {
  std::string s;
  for (size_t i = 0; i < runs.size() && i < 8; i++) s += (i ? ", " : "") + std::to_string(runs[i]);
  if (runs.size() > 8) s += " and " + std::to_string(runs.size() - 8) + " more";
  return s;
}

json sweep_merge(const std::vector<std::pair<std::string, json>>& parts) {
  if (parts.empty()) throw Error("merge needs at least one partial result");
  for (const auto& [name, p] : parts) {
    if (!p.is_object() || p.value("format", json()) != "nopelab-sweep-result")
      throw Error(name + " is not a sweep result (format \"nopelab-sweep-result\")");
    if (p.value("version", json()) != 1) throw Error(name + ": unsupported result version " + json_show(p.value("version", json())));
    if (!p.contains("spec") || !p.contains("runs") || !p["runs"].is_array()) throw Error(name + " has no spec or runs");
  }
  const std::string& first = parts[0].first;
  const json& spec_json = parts[0].second["spec"];
  for (size_t i = 1; i < parts.size(); i++) {
    const json& other = parts[i].second["spec"];
    if (other.dump() != spec_json.dump()) {
      const json patch = json::diff(spec_json, other);
      const std::string where = patch.empty() ? "" : " (first difference at " + patch[0].value("path", "") + ")";
      throw Error(parts[i].first + " belongs to a different sweep than " + first + ": their specs differ" + where);
    }
  }
  const SweepSpec spec = sweep_spec_from_json(spec_json);
  const int n = sweep_run_count(spec);
  std::vector<int> owner(n, -1);
  std::vector<json> records;
  double seconds = 0;
  int jobs = 0;
  for (size_t i = 0; i < parts.size(); i++) {
    const auto& [name, p] = parts[i];
    for (const json& r : p["runs"]) {
      const json run = r.is_object() ? r.value("run", json()) : json();
      if (!run.is_number_integer() || run.get<long>() < 0 || run.get<long>() >= n)
        throw Error(name + " holds a record with run " + json_show(run) + ", outside [0, " + std::to_string(n - 1) + "]");
      const int k = run.get<int>();
      if (owner[k] == (int)i) throw Error(name + " holds run " + std::to_string(k) + " twice");
      if (owner[k] >= 0)
        throw Error("run " + std::to_string(k) + " is in both " + parts[owner[k]].first + " and " + name +
                    ": overlapping shards (was a shard run twice, or with a different N?)");
      owner[k] = (int)i;
      records.push_back(r);
    }
    if (p.contains("timing") && p["timing"].is_object()) {
      seconds += p["timing"].value("seconds", 0.0);
      jobs = std::max(jobs, p["timing"].value("jobs", 0));
    }
  }
  std::vector<int> missing;
  for (int k = 0; k < n; k++)
    if (owner[k] < 0) missing.push_back(k);
  if (!missing.empty())
    throw Error(std::to_string(missing.size()) + " of " + std::to_string(n) + " runs are in no part (runs " +
                list_runs(missing) + "): a shard is missing or unfinished (finish it with --resume)");
  json out = sweep_result(spec, sweep_check_records(spec, std::move(records)), SweepShard{}, seconds, jobs);
  out["timing"]["parts"] = parts.size();
  return out;
}

}  // namespace nope
