// The analysis driver: one forward pass over a batch, then every measure at
// every requested layer and site. Capture is free: the sites are the model's
// own activation buffers (model_site), so plain training pays nothing.
#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/attention_stats.h"
#include "analysis/probe.h"
#include "analysis/similarity.h"
#include "config.h"
#include "model.h"

namespace nope {

struct AnalysisRequest {
  int batch = 32;             // sequences (>= 3 when probes are on)
  int length = 0;             // model sequence length T; 0 = the task's training length
  bool random_tokens = true;  // uniform over the vocabulary; false = task examples
  std::vector<int> layers;    // empty = all
  std::vector<Site> sites;    // empty = all
  bool attention = true;
  bool probes = true;
  std::vector<ProbeFeatures> probe_features;  // empty = all
  bool theory = true;         // add the small-sigma variance curve where it applies
  bool equivariance = true;   // permutation equivariance per layer and site (own random-token batch)
  // One sequence and one permutation, with both hidden-state matrices at
  // every analysed site (the Shuffle figure). Empty tokens / permutation are
  // drawn as the equivariance measure's first pair.
  bool permutation_demo = false;
  std::vector<int> demo_tokens, demo_permutation;
  uint64_t seed = 1;          // input tokens, probe splits, permutations
};

// Sequences and permutations per sequence of the equivariance measure.
constexpr int kEquivarianceSequences = 4, kEquivariancePermutations = 4;

struct SiteResult {
  int layer = 0;
  Site site = Site::embed;
  SimilaritySummary similarity;
  std::vector<double> variance;  // (T)
  double variance_slope = 0;
  std::vector<double> theory;    // (T) or empty where the theory does not apply
  double equivariance = -1;      // relative deviation (equivariance.h); -1 = not measured
};

struct ProbeEntry {
  int layer = 0;
  Site site = Site::embed;
  ProbeFeatures features = ProbeFeatures::hidden;
  ProbeResult result;
};

struct LayerAttention {
  int layer = 0;
  AttentionSummary summary;
};

// The permutation demo: for one sequence X and permutation pi, per analysed
// site (in AnalysisResult::sites order) P f(X) (row t = f(X)[pi(t)]) and
// f(P X), each (T, C), and their relative deviation.
struct PermutationDemo {
  std::vector<int> tokens, permutation;  // (T) each
  int C = 0;
  std::vector<std::vector<float>> original_permuted, permuted_input;  // per site, (T * C)
  std::vector<double> deviation;                                      // per site
};

struct AnalysisResult {
  int B = 0, T = 0;
  bool equivariance = false;
  bool has_demo = false;
  PermutationDemo demo;
  std::vector<SiteResult> sites;
  std::vector<ProbeEntry> probes;
  std::vector<LayerAttention> attention;
  double seconds = 0;
};

// Reads {batch, length, input: "random"|"task", layers, sites, attention,
// probes, probe_features, theory, equivariance, permutation_demo: true|false|
// {tokens, permutation}, seed}; unknown fields and bad values throw
// nope::Error naming them.
AnalysisRequest analysis_request_from_json(const nlohmann::json& j);

AnalysisResult analyze(Model& m, const TaskConfig& task, const AnalysisRequest& req);

// The documented JSON shape (docs/analysis.md). include_matrices = false
// drops the T x T similarity and attention maps (summary output).
nlohmann::json analysis_to_json(const AnalysisResult& r, bool include_matrices);

}  // namespace nope
