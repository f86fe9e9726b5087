// libFuzzer target for the config parser: any byte string must either give a
// valid Config or a nope::Error, never a crash, leak or other exception.
// Input that parses as JSON goes to config_load (parse, rules, budget); anything else is used
// as a --set assignment on the default config, which exercises config_set.
// A valid config must also survive config_to_json -> config_from_json
// unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "budget.h"
#include "config.h"
#include "error.h"

using json = nlohmann::json;

static void check_round_trip(const nope::Config& c) {
  const json j = nope::config_to_json(c);
  if (nope::config_to_json(nope::config_from_json(j)) != j) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  try {
    if (!j.is_discarded()) {
      check_round_trip(nope::config_load(j));
    } else {
      json cfg = nope::config_to_json(nope::Config{});
      nope::config_set(cfg, std::string(reinterpret_cast<const char*>(data), size));
      check_round_trip(nope::config_load(cfg));
    }
  } catch (const nope::Error&) {
    // Rejected with a message: the expected outcome for most inputs.
  }
  return 0;
}
