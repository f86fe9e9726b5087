// nopelab sweep: a config (or preset) times Hydra-style axes times K seeds,
// run on N worker threads, one shard of N processes or machines, resumable;
// and `nopelab sweep merge` to put shards back together. docs/sweep.md.
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <climits>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli_common.h"
#include "commands.h"
#include "api.h"
#include "error.h"
#include "sweep/axis_arg.h"
#include "sweep/parallel.h"
#include "sweep/result.h"
#include "sweep/run.h"
#include "sweep/measures.h"
#include "sweep/shard.h"
#include "sweep/spec.h"

namespace nope::cli {

using json = nlohmann::json;

static const char* kHelp =
    "usage: nopelab sweep [--config F | --spec F] [--set path=value]... [--axis path=v1,v2,...]...\n"
    "                     [--seeds K] [--measures a,b,...] [--layer L] [--site S] [--max-runs N]\n"
    "                     [--eval-examples N] [--jobs N] [--shard I/N] [--resume]\n"
    "                     [--out FILE] [--csv FILE] [--quiet]\n"
    "       nopelab sweep merge PART.json... [--out FILE] [--csv FILE]\n"
    "\n"
    "Runs a base config (--config, a config or preset file; defaults where absent) over\n"
    "every combination of 1 to 3 axes, K seeds each (run seed = train.seed + k): build,\n"
    "train when train.steps > 0, analyse at --layer/--site, evaluate. Prints per-cell\n"
    "mean and 95% Student-t interval over seeds, with every seed's value (docs/sweep.md).\n"
    "  --axis path=v1,v2,...  a config path (model.*, task.*, train.*) or analysis.layer /\n"
    "                         analysis.site with its values; also path=range(a,b,n) and\n"
    "                         path=logrange(a,b,n) (n values, ends included)\n"
    "  --spec F               a sweep spec or a preset with a \"sweep\"; --set, --axis (which\n"
    "                         replace its axes), --seeds, --measures, --layer, --site apply\n"
    "  --measures a,b         @MEASURES@\n"
    "  --jobs N               worker threads (default: the machine's cores); the result is\n"
    "                         byte-identical to --jobs 1 apart from \"seconds\" and \"timing\"\n"
    "  --shard I/N            run only runs r with r % N == I and write a partial result;\n"
    "                         combine the N parts with `nopelab sweep merge`\n"
    "  --out FILE             result JSON (default stdout). Finished runs are appended to\n"
    "                         FILE.runs.jsonl as they complete (removed at the end), so an\n"
    "                         interrupted sweep loses no finished run\n"
    "  --resume               keep the runs in FILE.runs.jsonl (same spec and shard) and\n"
    "                         run only the rest\n"
    "  --csv FILE             the per-cell table as CSV\n"
    "  --quiet                no progress line or summary table on stderr\n";

// kHelp with the measure names of the registry (sweep/measures.h) in place
// of @MEASURES@, wrapped to the help's columns, and which are the default.
static std::string help_text() {
  std::string names, defaults;
  for (const SweepMeasure& m : sweep_measure_rows()) {
    names += (names.empty() ? "" : ", ") + std::string(m.name);
    if (m.by_default) defaults += (defaults.empty() ? " " : ", ") + std::string(m.name);
  }
  const std::string text = names + " (default:" + defaults + "; the training ones only when anything trains)";
  std::string wrapped, line;
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + 1 + w.size() > 61) {
      wrapped += line + "\n                         ";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  std::string h = kHelp;
  h.replace(h.find("@MEASURES@"), 10, wrapped + line);
  return h;
}

// ---------------------------------------------------------------- spec

static SweepSpec spec_from_args(const Args& a) {
  api::SweepArgs s;
  if (a.has("spec")) s.spec_file = read_json_file(s.spec_name = a.get("spec"));
  if (a.has("config")) s.config_file = read_json_file(s.config_name = a.get("config"));
  s.sets = a.all("set");
  for (const std::string& arg : a.all("axis")) s.axes.push_back(sweep_axis_from_arg(arg));
  s.seeds = a.number("seeds");
  s.max_runs = a.number("max-runs");
  s.layer = a.number("layer");
  s.eval_examples = a.number("eval-examples");
  if (a.has("site")) s.site = a.get("site");
  if (a.has("measures")) {
    s.measures = json::array();
    std::stringstream ss(a.get("measures"));
    for (std::string item; std::getline(ss, item, ',');) s.measures.push_back(item);
  }
  return api::sweep_spec(s);
}

// ---------------------------------------------------------------- sidecar

// <out>.runs.jsonl: a header line naming the spec and shard, then one
// finished run record per line, flushed as each run completes.
struct Sidecar {
  std::string path;
  std::ofstream file;

  void write_line(const json& j) {  // callers are serialised (sweep_run_parallel)
    file << j.dump() << '\n' << std::flush;
    if (!file) throw Error("failed writing " + path);
  }
};

static json sidecar_header(const json& spec, SweepShard shard) {
  return json{{"format", "nopelab-sweep-runs"}, {"version", 1}, {"spec", spec},
              {"shard", {{"index", shard.index}, {"count", shard.count}}}};
}

// Finished records of an earlier, interrupted invocation. A last line cut off
// by a kill is dropped (that run simply runs again).
static std::vector<json> read_sidecar(const std::string& path, const json& spec, SweepShard shard) {
  std::ifstream f(path);
  if (!f) return {};
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);)
    if (!line.empty()) lines.push_back(line);
  if (lines.empty()) return {};
  json header;
  try {
    header = json::parse(lines[0]);
  } catch (const json::exception&) {
    throw Error(path + " is not a sweep runs file (bad first line); delete it or choose another --out");
  }
  if (!header.is_object() || header.value("format", json()) != "nopelab-sweep-runs")
    throw Error(path + " is not a sweep runs file; delete it or choose another --out");
  if (header["spec"].dump() != spec.dump()) {
    const json patch = json::diff(header["spec"], spec);
    throw Error(path + " holds runs of a different sweep (specs differ at " +
                (patch.empty() ? std::string("?") : patch[0].value("path", "?")) +
                "); delete it or choose another --out");
  }
  if (header["shard"] != json{{"index", shard.index}, {"count", shard.count}})
    throw Error(path + " holds runs of shard " + header["shard"].dump() + ", not " + std::to_string(shard.index) + "/" +
                std::to_string(shard.count));
  std::vector<json> records;
  for (size_t i = 1; i < lines.size(); i++) {
    try {
      records.push_back(json::parse(lines[i]));
    } catch (const json::exception&) {
      if (i + 1 == lines.size()) break;  // cut off mid-write
      throw Error(path + " line " + std::to_string(i + 1) + " is not a run record");
    }
  }
  return records;
}

// ---------------------------------------------------------------- running

struct Progress {
  bool on = false, tty = false;
  int total = 0, done = 0;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();

  void tick() {  // callers are serialised (sweep_run_parallel)
    done++;
    if (!on) return;
    const int every = tty ? 1 : std::max(1, total / 10);
    if (done % every != 0 && done != total) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = done / std::max(elapsed, 1e-9);
    std::fprintf(stderr, "%ssweep: run %d/%d  %.2f runs/s  ETA %.0fs%s", tty ? "\r" : "", done, total, rate,
                 (total - done) / std::max(rate, 1e-9), tty ? "   " : "\n");
    std::fflush(stderr);
  }
};

static void print_table(const json& result) {
  const json& cells = result["cells"];
  if (cells.empty()) return;
  std::string head;
  for (const json& a : result["spec"]["axes"]) head += a["path"].get<std::string>() + "  ";
  std::fprintf(stderr, "%s| ", head.c_str());
  for (auto it = cells[0]["measures"].begin(); it != cells[0]["measures"].end(); ++it)
    std::fprintf(stderr, "%s  ", it.key().c_str());
  std::fprintf(stderr, "\n");
  for (const json& c : cells) {
    for (const json& a : result["spec"]["axes"]) std::fprintf(stderr, "%s  ", c["values"][a["path"].get<std::string>()].dump().c_str());
    std::fprintf(stderr, "| ");
    for (const auto& m : c["measures"].items()) {
      const json& v = m.value();
      if (v["mean"].is_null()) std::fprintf(stderr, "-  ");
      else std::fprintf(stderr, "%.4g±%.2g (n=%d)  ", v["mean"].get<double>(), v["ci"].get<double>(), v["n"].get<int>());
    }
    std::fprintf(stderr, "\n");
  }
}

static void write_outputs(const json& result, const Args& a) {
  const std::string text = result.dump() + "\n";
  if (a.has("out")) write_file(a.get("out"), text);
  else std::fputs(text.c_str(), stdout);
  if (a.has("csv")) write_file(a.get("csv"), sweep_csv(result));
}

static int cmd_merge(int argc, char** argv) {
  std::vector<std::string> files;
  std::vector<char*> opts;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] == '-') {
      opts.push_back(argv[i]);
      const std::string s = argv[i];
      if (s.find('=') == std::string::npos && i + 1 < argc) opts.push_back(argv[++i]);
    } else {
      files.push_back(argv[i]);
    }
  }
  const Args a = parse_args((int)opts.size(), opts.data(), {"out", "csv"}, {});
  if (files.empty()) throw Error("sweep merge needs the partial results: nopelab sweep merge part*.json");
  std::vector<std::pair<std::string, json>> parts;
  for (const std::string& f : files) parts.emplace_back(f, read_json_file(f));
  write_outputs(sweep_merge(parts), a);
  return 0;
}

// Every run builds a model whose activation buffer for the analysis batch is
// tens of MB (B x T x layers x C). glibc serves blocks that big with a fresh
// mmap and unmaps them on free, so the kernel zero-fills ~100 MB of pages per
// run: 45% of a random-init run's CPU time here. Keeping freed memory in one
// heap lets the next run reuse it (same results; peak memory = the largest
// runs in flight).
static void keep_freed_memory() {
#ifdef __GLIBC__
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  mallopt(M_ARENA_MAX, 1);
#endif
}

int cmd_sweep(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(help_text().c_str(), stdout), 0;
  keep_freed_memory();
  if (argc > 0 && std::string(argv[0]) == "merge") return cmd_merge(argc - 1, argv + 1);
  const Args a = parse_args(argc, argv,
                            {"config", "spec", "set", "axis", "seeds", "measures", "layer", "site", "max-runs",
                             "eval-examples", "jobs", "shard", "out", "csv"},
                            {"resume", "quiet"});
  const SweepSpec spec = spec_from_args(a);
  const json spec_json = sweep_spec_to_json(spec);
  const SweepShard shard = a.has("shard") ? sweep_shard_parse(a.get("shard")) : SweepShard{};
  const int cores = (int)std::max(1u, std::thread::hardware_concurrency());
  const int jobs = a.get_int("jobs", cores, 1, 1024);
  if (a.flag("resume") && !a.has("out")) throw Error("--resume needs --out FILE (the finished runs are in FILE.runs.jsonl)");

  // Runs of this shard, minus those an interrupted invocation finished.
  std::vector<json> kept;
  Sidecar sidecar;
  // No runs file next to /dev/null, /dev/stdout or a pipe: only for real files.
  struct stat st;
  const bool use_sidecar = a.has("out") && (stat(a.get("out").c_str(), &st) != 0 || S_ISREG(st.st_mode));
  if (a.flag("resume") && !use_sidecar) throw Error("--resume needs --out to name a regular file");
  if (use_sidecar) {
    sidecar.path = a.get("out") + ".runs.jsonl";
    if (a.flag("resume")) kept = read_sidecar(sidecar.path, spec_json, shard);
    for (const json& r : kept)
      if (!r.is_object() || !r.value("run", json()).is_number_integer() || !sweep_shard_owns(shard, r["run"].get<int>()))
        throw Error(sidecar.path + " holds a record outside shard " + std::to_string(shard.index) + "/" +
                    std::to_string(shard.count));
    kept = sweep_check_records(spec, kept);
    // Rewritten whole (header + kept records) so a cut-off last line is gone.
    sidecar.file.open(sidecar.path, std::ios::trunc);
    if (!sidecar.file) throw Error("cannot write " + sidecar.path);
    sidecar.write_line(sidecar_header(spec_json, shard));
    for (const json& r : kept) sidecar.write_line(r);
  }
  std::vector<char> have(sweep_run_count(spec), 0);
  for (const json& r : kept) have[r["run"].get<int>()] = 1;
  std::vector<int> todo;
  for (int r : sweep_shard_runs(sweep_run_count(spec), shard))
    if (!have[r]) todo.push_back(r);

  Progress progress;
  progress.on = !a.flag("quiet");
  progress.tty = isatty(2);
  progress.total = (int)todo.size();
  if (progress.on)
    std::fprintf(stderr, "sweep: %d runs (%d cells x %d seeds)%s, %d to run on %d thread%s%s\n",
                 sweep_run_count(spec), sweep_cell_count(spec), spec.seeds,
                 shard.count > 1 ? (", shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count)).c_str() : "",
                 (int)todo.size(), std::min<int>(jobs, std::max<size_t>(todo.size(), 1)), jobs > 1 ? "s" : "",
                 kept.empty() ? "" : (" (" + std::to_string(kept.size()) + " resumed)").c_str());
  const auto t0 = std::chrono::steady_clock::now();
  const int threads = std::max(1, std::min<int>(jobs, (int)todo.size()));
  // Worker threads, one Trainer each: see core/sweep/parallel.cpp for why threads.
  std::vector<json> done = sweep_run_parallel(spec, todo, threads, [&](const json& record) {
    if (use_sidecar) sidecar.write_line(record);
    progress.tick();
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress.on && progress.tty && !todo.empty()) std::fputc('\n', stderr);

  kept.insert(kept.end(), done.begin(), done.end());
  const json result = sweep_result(spec, sweep_check_records(spec, std::move(kept)), shard, seconds, jobs);
  write_outputs(result, a);
  if (progress.on) print_table(result);
  if (use_sidecar) {
    sidecar.file.close();
    std::remove(sidecar.path.c_str());  // the result now holds every run
  }
  return 0;
}

}  // namespace nope::cli
