#include "sweep/measures.h"

#include <cmath>

#include "eval_prefix.h"
#include "registry.h"

namespace nope {

const EvalResult& MeasureInputs::eval(int length) {
  auto it = evals_.find(length);
  if (it == evals_.end())
    it = evals_.emplace(length, evaluate(trainer.model, trainer.cfg.task, plan.seed, length, spec.eval_examples)).first;
  return it->second;
}

namespace {

const SiteResult& site(MeasureInputs& in) { return in.analysis->sites.at(0); }

double adjacency(MeasureInputs& in, const SweepMeasure&) { return site(in).similarity.adjacency_score; }
double adjacency_chance(MeasureInputs& in, const SweepMeasure&) { return site(in).similarity.adjacency_chance; }
double variance_slope(MeasureInputs& in, const SweepMeasure&) { return site(in).variance_slope; }

const ProbeResult* probe(MeasureInputs& in, const SweepMeasure& m) {
  for (const ProbeEntry& e : in.analysis->probes)
    if (std::string(to_string(e.features)) == m.probe_features) return &e.result;
  return nullptr;
}
double probe_mad(MeasureInputs& in, const SweepMeasure& m) {
  const ProbeResult* p = probe(in, m);
  return p ? p->mad : NAN;
}
double probe_mad_baseline(MeasureInputs& in, const SweepMeasure& m) {
  const ProbeResult* p = probe(in, m);
  return p ? p->mad_baseline : NAN;
}

double probe_mad_landmark(MeasureInputs& in, const SweepMeasure& m) {
  const ProbeResult* p = probe(in, m);
  return p ? p->mad_landmark : NAN;
}

double equivariance(MeasureInputs& in, const SweepMeasure&) { return site(in).equivariance; }

double final_loss(MeasureInputs& in, const SweepMeasure&) { return in.final_loss; }
double seq_acc_train(MeasureInputs& in, const SweepMeasure&) {
  return in.eval(in.trainer.cfg.task.train_len).seq_acc;
}
double seq_acc_test(MeasureInputs& in, const SweepMeasure&) { return in.eval(in.trainer.cfg.task.test_len).seq_acc; }
double token_acc_test(MeasureInputs& in, const SweepMeasure&) {
  return in.eval(in.trainer.cfg.task.test_len).token_acc;
}

double token_acc_train(MeasureInputs& in, const SweepMeasure&) {
  return in.eval(in.trainer.cfg.task.train_len).token_acc;
}
// The same examples as token_acc_train, each prediction from its prefix alone
// (eval_prefix.h): as generation computes it, without the final length.
double token_acc_train_prefix(MeasureInputs& in, const SweepMeasure&) {
  return evaluate_prefix(in.trainer.model, in.trainer.cfg.task, in.plan.seed, in.trainer.cfg.task.train_len,
                         in.spec.eval_examples)
      .token_acc;
}

double token_acc_test_prefix(MeasureInputs& in, const SweepMeasure&) {
  return evaluate_prefix(in.trainer.model, in.trainer.cfg.task, in.plan.seed, in.trainer.cfg.task.test_len,
                         in.spec.eval_examples)
      .token_acc;
}

constexpr const char* kNoPosition = "no-position baseline";
constexpr const char* kLandmark = "token-identity (landmark) probe";

}  // namespace

const std::vector<SweepMeasure>& sweep_measure_rows() {
  //  name, label, needs_training, needs_analysis, probe_features, by_default, baseline, baseline_label,
  //  value, baseline_value
  static const std::vector<SweepMeasure> rows = {
      {"adjacency", "P_adj (adjacency score)", false, true, nullptr, true, "adjacency_chance", "chance", adjacency,
       adjacency_chance},
      {"variance_slope", "variance slope (log-log)", false, true, nullptr, true, nullptr, nullptr, variance_slope,
       nullptr},
      {"probe_mad_hidden", "probe MAD, hidden features", false, true, "hidden", false, "probe_mad_baseline",
       kNoPosition, probe_mad, probe_mad_baseline},
      {"probe_mad_cosine", "probe MAD, cosine features", false, true, "cosine", false, "probe_mad_baseline",
       kNoPosition, probe_mad, probe_mad_baseline},
      {"probe_mad_variance", "probe MAD, variance features", false, true, "variance", false, "probe_mad_baseline",
       kNoPosition, probe_mad, probe_mad_baseline},
      {"probe_mad_cosine_past", "probe MAD, past-only cosine features", false, true, "cosine_past", false,
       "probe_mad_landmark", kLandmark, probe_mad, probe_mad_landmark},
      {"probe_mad_cosine_first", "probe MAD, cosine to the first token", false, true, "cosine_first", false,
       "probe_mad_landmark", kLandmark, probe_mad, probe_mad_landmark},
      {"equivariance", "permutation deviation |f(PX) - P f(X)| / |f(X)|", false, true, nullptr, false, nullptr,
       nullptr, equivariance, nullptr},
      {"final_loss", "final training loss", true, false, nullptr, true, nullptr, nullptr, final_loss, nullptr},
      {"seq_acc_train", "sequence accuracy at train length", true, false, nullptr, true, nullptr, nullptr,
       seq_acc_train, nullptr},
      {"seq_acc_test", "sequence accuracy at test length", true, false, nullptr, true, nullptr, nullptr, seq_acc_test,
       nullptr},
      {"token_acc_test", "token accuracy at test length", true, false, nullptr, false, nullptr, nullptr,
       token_acc_test, nullptr},
      {"token_acc_train", "token accuracy at train length", true, false, nullptr, false, nullptr, nullptr,
       token_acc_train, nullptr},
      {"token_acc_train_prefix", "token accuracy at train length, each prediction from its prefix alone (as generated)",
       true, false, nullptr, false, nullptr, nullptr, token_acc_train_prefix, nullptr},
      {"token_acc_test_prefix", "token accuracy at test length, each prediction from its prefix alone (as generated)",
       true, false, nullptr, false, nullptr, nullptr, token_acc_test_prefix, nullptr},
  };
  return rows;
}

const SweepMeasure* sweep_measure(const std::string& name) { return registry_find(sweep_measure_rows(), name); }

}  // namespace nope
