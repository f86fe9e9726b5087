// The sweep measures (docs/sweep.md): one row each in sweep_measure_rows(),
// in the order records list them. A row says what the measure needs (a
// trained model, the analysis at the spec's layer/site, a probe), whether a
// sweep takes it by default, the reference value drawn beside it, and the
// function that reads its value from one run. To add a measure: a row and
// its value function in measures.cpp; the spec parser, the run, the CLI help,
// the schema and the page's sweep form read the row.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "sweep/plan.h"
#include "sweep/spec.h"
#include "trainer.h"

namespace nope {

// What a value function reads from one finished run.
class MeasureInputs {
 public:
  MeasureInputs(const SweepSpec& spec, const SweepRunPlan& plan, Trainer& trainer, double final_loss)
      : spec(spec), plan(plan), trainer(trainer), final_loss(final_loss) {}
  const SweepSpec& spec;
  const SweepRunPlan& plan;
  Trainer& trainer;                   // the run's model after training
  double final_loss;                  // the last step's loss (NaN when nothing trained)
  const AnalysisResult* analysis = nullptr;  // at the spec's layer/site, when a measure needs it
  // evaluate() at `length` task items with the spec's eval examples and the
  // run's seed; computed once per length.
  const EvalResult& eval(int length);

 private:
  std::map<int, EvalResult> evals_;
};

struct SweepMeasure {
  const char* name;            // in specs, records and --measures
  const char* label;           // for people (plots, tables)
  bool needs_training;         // null unless the run trains (train.steps > 0)
  bool needs_analysis;         // reads MeasureInputs::analysis
  const char* probe_features;  // the probe feature set it reads (probe_features.h), or nullptr
  bool by_default;             // in a spec without "measures" (training ones only when something trains)
  const char* baseline;        // the record key of its reference value, or nullptr
  const char* baseline_label;  // what that reference is
  double (*value)(MeasureInputs& in, const SweepMeasure& m);
  double (*baseline_value)(MeasureInputs& in, const SweepMeasure& m);  // nullptr without a baseline
};

// Every measure, in the order of the contract.
const std::vector<SweepMeasure>& sweep_measure_rows();
// The row called `name`, or nullptr.
const SweepMeasure* sweep_measure(const std::string& name);

}  // namespace nope
