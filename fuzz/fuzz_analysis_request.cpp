// libFuzzer target for the analysis request (what Session.analyze and
// `nopelab analyze` read): any JSON must either give an analysis whose wire
// arrays match their metadata (core/analysis/wire.h) or a nope::Error; never a
// crash, leak, sanitizer report or other exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "analysis/wire.h"
#include "budget.h"
#include "error.h"
#include "trainer.h"

using json = nlohmann::json;

static nope::Trainer& model() {
  static nope::Trainer tr = [] {
    nope::Trainer t;
    nope::trainer_init(t, nope::config_load({{"model", {{"d_model", 8}, {"n_heads", 2}, {"n_layers", 2}, {"d_ff", 8}}},
                                             {"task", {{"train_len", 3}, {"test_len", 5}, {"vocab_size", 4}}}}));
    return t;
  }();
  return tr;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json request = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return 0;
  // Keep the batch small: the fuzzer looks for crashes, not slow probes.
  if (request.is_object() && request.contains("batch") && request["batch"].is_number() && request["batch"] > 64)
    return 0;
  nope::Trainer& tr = model();
  nope::AnalysisWire w;
  try {
    w = nope::analysis_wire_for_request(tr.model, tr.cfg.task, 1, 0, request);
  } catch (const nope::Error&) {
    return 0;
  }
  const size_t T = w.meta["T"].get<size_t>(), S = w.meta["site_order"].size(), L = w.meta["layer_order"].size();
  const size_t NH = w.meta["n_heads"].get<size_t>(), P = w.meta["probes"].size();
  if (T < 1 || w.similarity.size() != S * T * T || w.variance.size() != S * T || w.decay.size() != S * T ||
      w.theory.size() != S * T || w.attention.size() != L * NH * T * T || w.probe_predicted.size() != P * T)
    std::abort();
  return 0;
}
