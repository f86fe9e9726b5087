// libFuzzer target for the checkpoint loader: any JSON must either load or
// give a nope::Error, never a crash, leak or other exception, and a failed
// load must leave the caller's trainer as it was. A checkpoint that loads
// must save and load again to the same weights.
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "error.h"

using json = nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
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
