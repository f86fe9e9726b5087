// libFuzzer target: config parsing must reject any input with nope::Error
// (or a JSON parse error) and never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "config.h"
#include "error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const nope::Config c = nope::config_from_json(j);
    (void)nope::config_to_json(c);
  } catch (const nope::Error&) {
  }
  return 0;
}
