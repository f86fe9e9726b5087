// libFuzzer target for the safetensors checkpoint reader: any bytes must
// either load or give a nope::Error, never a crash, hang, leak, unbounded
// allocation or other exception; a failed load must leave the caller's
// trainer as it was, and a file that loads must write and read back to the
// same weights and step. An odd-length input is read with a config given
// (as --config does for a foreign file), an even-length one without.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "error.h"
#include "safetensors.h"

using json = nlohmann::json;

// Keep a fuzzed metadata config from asking for a huge (valid) model: the
// fuzzer looks for crashes, not for slow allocations.
static bool too_big(const std::string& bytes) {
  if (bytes.size() < 8) return false;
  uint64_t n = 0;
  for (int i = 7; i >= 0; i--) n = (n << 8) | (unsigned char)bytes[i];
  if (n > nope::kSafetensorsMaxHeader || n > bytes.size() - 8) return false;
  const json h = json::parse(bytes.begin() + 8, bytes.begin() + 8 + n, nullptr, false);
  if (!h.is_object() || !h.contains("__metadata__") || !h["__metadata__"].is_object()) return false;
  const json& m = h["__metadata__"];
  if (!m.contains(nope::kSafetensorsConfigKey) || !m[nope::kSafetensorsConfigKey].is_string()) return false;
  const json c = json::parse(m[nope::kSafetensorsConfigKey].get<std::string>(), nullptr, false);
  try {
    return nope::config_step_bytes(nope::config_from_json(c)) > 64.0 * 1024 * 1024;
  } catch (const nope::Error&) {
    return false;  // the reader must reject it too
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (too_big(bytes)) return 0;
  static const nope::Config given = nope::config_load(json::parse(
      R"({"model": {"d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 8},
          "task": {"train_len": 2, "test_len": 2, "vocab_size": 2}})"));  // the seeds' tiny model
  nope::Trainer tr;
  tr.step = -7;  // a marker no successful load leaves behind
  try {
    nope::checkpoint_from_safetensors(tr, bytes, size % 2 ? &given : nullptr);
  } catch (const nope::Error&) {
    if (tr.step != -7 || !tr.model.params.empty()) std::abort();
    return 0;
  }
  nope::Trainer again;
  nope::checkpoint_from_safetensors(again, nope::checkpoint_to_safetensors(tr), nullptr);
  if (again.model.params != tr.model.params || again.step != tr.step) std::abort();
  return 0;
}
