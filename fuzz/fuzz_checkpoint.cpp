// libFuzzer target for the checkpoint loader: any JSON must either load or
// give a nope::Error, never a crash, hang, leak or other exception; a failed
// load must leave the caller's trainer as it was, and a checkpoint that loads
// must save and load again to the same weights and step.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "checkpoint.h"
#include "error.h"

using json = nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  // Keep a fuzzed config from asking for a huge (valid) model: the fuzzer
  // looks for crashes, not for slow allocations.
  if (j.is_object() && j.contains("config")) {
    try {
      if (nope::config_step_bytes(nope::config_from_json(j["config"])) > 64.0 * 1024 * 1024) return 0;
    } catch (const nope::Error&) {
      // The loader must reject it too; fall through and check that it does.
    }
  }
  nope::Trainer tr;
  tr.step = -7;  // a marker no successful load leaves behind
  try {
    nope::checkpoint_from_json(tr, j);
  } catch (const nope::Error&) {
    if (tr.step != -7 || !tr.model.params.empty()) std::abort();
    return 0;
  }
  nope::Trainer again;
  nope::checkpoint_from_json(again, nope::checkpoint_to_json(tr, j.contains("optimizer")));
  if (again.model.params != tr.model.params || again.step != tr.step) std::abort();
  return 0;
}
