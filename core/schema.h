// The config schema the core exports (`nopelab schema`, the module's
// schema()): every field with its type, default, range, enum values and a
// one-line doc, so the web app's controls and docs/config.md are derived
// from (or checked against) the parser rather than copied from it.
#pragma once
#include <nlohmann/json_fwd.hpp>

namespace nope {

// {"version": 1, "fields": [{path, type, default, min, max, min_open, values,
// doc}...], "limits": {...}}; min/max only for int and number, values only
// for enums. Field order is the parser's.
nlohmann::json config_schema_json();

}  // namespace nope
