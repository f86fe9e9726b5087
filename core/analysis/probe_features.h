// The probe feature sets: what a position probe (probe.h) reads at each
// token. One row each in probe_feature_rows(): a name, a label, a one-line
// doc, the feature count and the function that fills the features of one
// sequence. To add a feature set: an enumerator, a row and its fill function
// in probe_features.cpp (the schema, the analysis request, the CLI and the
// page pick it up from the row; a sweep measure of it is a row in
// sweep/measures.cpp).
#pragma once
#include <string>
#include <vector>

#include <Eigen/Core>

namespace nope {

enum class ProbeFeatures { hidden, cosine, variance, cosine_past, cosine_first };

struct ProbeFeatureRow {
  ProbeFeatures id;
  const char* name;   // in JSON, the CLI and URLs
  const char* label;  // for people
  const char* doc;    // one line
  // Features per token for sequences of T tokens of width C.
  int (*width)(int T, int C);
  // X (T, width) from the sequence's hidden states H (T, C), in double; NaN
  // marks a missing entry (the probe fills it with the column's training mean).
  void (*fill)(Eigen::Ref<Eigen::MatrixXd> X, const Eigen::MatrixXd& H);
};

// The past-only cosines of cosine_past from unit rows U (T, C): X (T,
// refs) with X(t, k) = U.row(t) . U.row(refs[k]) where refs[k] < t, NaN
// elsewhere; each dot the products then their sum in c order, every
// operation rounded on its own (as Eigen's dot of two column-major rows).
void past_cosines(Eigen::Ref<Eigen::MatrixXd> X, const Eigen::MatrixXd& U, const std::vector<int>& refs);

// Every feature set, in enum order.
const std::vector<ProbeFeatureRow>& probe_feature_rows();
const ProbeFeatureRow& probe_feature_row(ProbeFeatures f);
constexpr int kNumProbeFeatures = 5;

const char* to_string(ProbeFeatures f);
bool probe_features_from_string(const std::string& s, ProbeFeatures* out);
// "hidden|cosine|..." for error messages.
std::string probe_feature_names_joined();

}  // namespace nope
