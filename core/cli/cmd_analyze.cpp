// nopelab analyze: positional analysis of a fresh model (--config) or a
// trained one (--checkpoint), optionally averaged over K init seeds, as
// JSON plus a summary table on the terminal.
#include <cstdio>
#include <map>

#include "analysis/analyze.h"
#include "analysis/seed_stats.h"
#include "checkpoint.h"
#include "cli_common.h"
#include "commands.h"
#include "error.h"
#include "results_json.h"
#include "trainer.h"

namespace nope::cli {

static const char* kHelp =
    "usage: nopelab analyze [--config F | --checkpoint CKPT] [--set path=value]... [--seeds K]\n"
    "                       [--batch N] [--length T] [--input random|task] [--no-probes]\n"
    "                       [--out FILE]\n"
    "\n"
    "Runs one forward pass over N sequences (default 64; uniform random tokens of length\n"
    "T, default the task's training length) and measures, per layer and site, the\n"
    "self-cosine-similarity matrix, adjacency score vs chance, decay profile, variance\n"
    "profile and its log-log slope, attention maps, and position probes (docs/analysis.md).\n"
    "Without --checkpoint the model is freshly initialised from the config (defaults\n"
    "where absent); --seeds K repeats over init seeds\n"
    "seed..seed+K-1 and adds <name>_mean and <name>_ci (95%) for every scalar.\n"
    "With --checkpoint it also reports accuracy by length (length generalisation).\n"
    "JSON goes to --out (or stdout); a summary table goes to stderr.\n";

static void print_summary(const nlohmann::json& j) {
  std::fprintf(stderr, "%-6s %-11s %10s %8s %10s\n", "layer", "site", "adjacency", "chance", "var-slope");
  for (const auto& layer : j["layers"])
    for (int si = 0; si < kNumSites; si++) {  // pipeline order, not JSON's key order
      const char* name = to_string(Site(si));
      if (!layer["sites"].contains(name)) continue;
      const auto& s = layer["sites"][name];
      std::fprintf(stderr, "%-6d %-11s %10.3f %8.3f %10.3f\n", layer["layer"].get<int>(), name,
                   s["adjacency_score"].get<double>(), s["adjacency_chance"].get<double>(),
                   s["variance_slope"].get<double>());
    }
  if (!j["probes"].empty()) {
    std::fprintf(stderr, "\n%-6s %-11s %-9s %8s %9s %7s\n", "layer", "site", "features", "MAD", "baseline", "R2");
    for (const auto& p : j["probes"])
      std::fprintf(stderr, "%-6d %-11s %-9s %8.3f %9.3f %7.3f\n", p["layer"].get<int>(),
                   p["site"].get<std::string>().c_str(), p["features"].get<std::string>().c_str(),
                   p["mad"].get<double>(), p["mad_baseline"].get<double>(), p["r2"].get<double>());
  }
}

// Adds <key>_mean and <key>_ci next to every scalar that varies by seed:
// site measures, probe scores and attention distances.
static void add_seed_stats(nlohmann::json& out, const std::vector<nlohmann::json>& runs) {
  auto annotate = [&](nlohmann::json& target, const std::vector<const nlohmann::json*>& per_seed,
                      const std::vector<std::string>& keys) {
    for (const std::string& k : keys) {
      std::vector<double> xs;
      for (const nlohmann::json* r : per_seed) xs.push_back((*r)[k].get<double>());
      const SeedStats s = seed_stats(xs);
      target[k + "_mean"] = s.mean;
      target[k + "_ci"] = s.ci;
    }
  };
  for (size_t l = 0; l < out["layers"].size(); l++)
    for (auto it = out["layers"][l]["sites"].begin(); it != out["layers"][l]["sites"].end(); ++it) {
      std::vector<const nlohmann::json*> per;
      for (const auto& r : runs) per.push_back(&r["layers"][l]["sites"][it.key()]);
      annotate(it.value(), per, {"adjacency_score", "variance_slope"});
    }
  for (size_t p = 0; p < out["probes"].size(); p++) {
    std::vector<const nlohmann::json*> per;
    for (const auto& r : runs) per.push_back(&r["probes"][p]);
    annotate(out["probes"][p], per, {"mad", "r2"});
  }
  for (size_t l = 0; l < out["attention"].size(); l++)
    for (size_t h = 0; h < out["attention"][l]["heads"].size(); h++) {
      std::vector<const nlohmann::json*> per;
      for (const auto& r : runs) per.push_back(&r["attention"][l]["heads"][h]);
      annotate(out["attention"][l]["heads"][h], per, {"mean_distance"});
    }
  out["seeds"] = runs.size();
}

int cmd_analyze(int argc, char** argv) {
  if (wants_help(argc, argv)) return std::fputs(kHelp, stdout), std::fputs(kThreadsHelp, stdout), 0;
  const Args a = parse_args(argc, argv, {"config", "checkpoint", "set", "seeds", "batch", "length", "input", "out"},
                            {"no-probes", "quiet"});
  if (a.has("config") && a.has("checkpoint")) throw Error("analyze takes --config F or --checkpoint CKPT, not both");
  // The request's own parser (analysis_request_from_json) checks every value.
  nlohmann::json req_json{{"batch", a.has("batch") ? a.number("batch") : nlohmann::json(64)},
                          {"length", a.has("length") ? a.number("length") : nlohmann::json(0)},
                          {"input", a.get("input", "random")},
                          {"probes", !a.flag("no-probes")}};
  Trainer tr;
  int seeds = 1;
  if (a.has("checkpoint")) {
    if (a.has("seeds") || a.has("set")) throw Error("--seeds and --set apply to --config runs only");
    checkpoint_from_json(tr, read_json_file(a.get("checkpoint")));
    req_json["theory"] = tr.step == 0;
  } else {
    trainer_init(tr, load_config(a));
    seeds = a.get_int("seeds", 1, 1, 1000);
  }
  AnalysisRequest req = analysis_request_from_json(req_json);
  req.seed = tr.cfg.train.seed;

  std::vector<nlohmann::json> runs;
  for (int k = 0; k < seeds; k++) {
    if (k > 0) model_init(tr.model, tr.cfg.train.seed + k);
    runs.push_back(analysis_to_json(analyze(tr.model, tr.cfg.task, req), true));
  }
  nlohmann::json out = runs[0];
  if (seeds > 1) add_seed_stats(out, runs);
  out["config"] = config_to_json(tr.cfg);
  out["step"] = tr.step;
  if (a.has("checkpoint")) {
    nlohmann::json lg = nlohmann::json::array();
    for (int n = 1; n <= tr.cfg.task.test_len; n++) {
      const EvalResult r = evaluate(tr.model, tr.cfg.task, tr.cfg.train.seed, n, 128);
      lg.push_back(eval_result_json(r, tr.cfg.task.train_len));
    }
    out["length_generalisation"] = lg;
  }
  if (!a.flag("quiet")) print_summary(out);
  const std::string text = out.dump();
  if (a.has("out")) write_file(a.get("out"), text);
  else std::puts(text.c_str());
  return 0;
}

}  // namespace nope::cli
