// libFuzzer target: checkpoint loading must reject any malformed input with
// nope::Error and never crash, hang or leak. Inputs are small JSON documents,
// so the configs they name are small too (tiny models build quickly).
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    // Keep a fuzzed config from asking for a huge (valid) model: the fuzzer
    // looks for crashes, not for slow allocations.
    if (j.is_object() && j.contains("config")) {
      const nope::Config c = nope::config_from_json(j["config"]);
      if (nope::config_step_bytes(c) > 64.0 * 1024 * 1024) return 0;
    }
    nope::Trainer tr;
    nope::checkpoint_from_json(tr, j);
  } catch (const nope::Error&) {
  }
  return 0;
}
